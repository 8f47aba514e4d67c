import { escapeText, KC_ERRORS, type KcErrorCode } from '@kgc/soap';

/** The caller's mistakes get soap:Client, ours soap:Server (SOAP 1.1 §4.4.1); the split is in errors.ts. */
export function faultCode(code: KcErrorCode): string {
  return KC_ERRORS[code] === 'client' ? 'soap:Client' : 'soap:Server';
}

/** The fault object strong-soap serialises for an operation's error. */
export function faultObject(code: KcErrorCode, message: string) {
  return {
    Fault: {
      faultcode: faultCode(code),
      faultstring: message,
      detail: { KgcFault: { code, message } },
      statusCode: 500,
    },
  };
}

/** The same fault as XML, for errors found before an operation is known (bad XML, unknown operation). */
export function faultXml(code: KcErrorCode, message: string, namespace: string): string {
  const m = escapeText(message);
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soap:Body><soap:Fault><faultcode>${faultCode(code)}</faultcode><faultstring>${m}</faultstring>` +
    `<detail><ns1:KgcFault xmlns:ns1="${namespace}"><ns1:code>${code}</ns1:code><ns1:message>${m}</ns1:message></ns1:KgcFault></detail>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}
