declare module 'strong-soap' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';

  export type OperationFn = (
    args: Record<string, unknown> | undefined,
    callback: (error: unknown, result?: unknown) => void,
    headers: unknown,
    req: IncomingMessage,
  ) => undefined;

  export interface SoapServer {
    _process(xml: string, req: IncomingMessage, callback: (out: string, statusCode?: number) => void): void;
    _executeMethod(
      options: {
        serviceName: string;
        portName: string;
        operationName: string;
        outputName: string;
        args: Record<string, unknown>;
        style: 'document';
      },
      req: IncomingMessage,
      callback: (out: string, statusCode?: number) => void,
    ): void;
    wsdl: { toXML(): string };
  }

  const pkg: {
    soap: {
      listen(
        server: EventEmitter,
        path: string,
        services: Record<string, Record<string, Record<string, OperationFn>>>,
        wsdl: string,
      ): SoapServer;
      createClient(
        url: string,
        options: Record<string, unknown>,
        cb: (err: unknown, client: Record<string, unknown>) => void,
      ): void;
    };
  };
  export default pkg;
}
