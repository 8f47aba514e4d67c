import { escapeText, type KcErrorCode } from '@kgc/soap';

/** Client-side mistakes get soap:Client, everything else soap:Server (SOAP 1.1 §4.4.1). */
const CLIENT_CODES: ReadonlySet<KcErrorCode> = new Set([
  'KCERR_LOGON_FAILED',
  'KCERR_END_OF_SESSION',
  'KCERR_NO_ACCESS',
  'KCERR_NOT_FOUND',
  'KCERR_COLLISION',
  'KCERR_STORE_FULL',
  'KCERR_INVALID_PARAMETER',
  'KCERR_INVALID_TYPE',
  'KCERR_NO_SUPPORT',
  'KCERR_TOO_BIG',
  'KCERR_MODIFIED',
]);

export function faultCode(code: KcErrorCode): string {
  return CLIENT_CODES.has(code) ? 'soap:Client' : 'soap:Server';
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
