import type { OperationName } from '@kgc/soap';
import type { ServerContext } from '../context.js';
import type { OpHandler } from '../soap/dispatcher.js';

/** One SOAP operation's handler. */
export type Op<N extends OperationName> = OpHandler<ServerContext, N>;
