import type { Bus } from './bus.js';
import { type BusLogger, stderrLogger } from './logger.js';
import { MemoryTransport } from './memory-transport.js';
import { createTypedBus } from './typed-bus.js';

export interface MemoryBusOptions {
  logger?: BusLogger;
  /** Upper bound for `close()` waiting on running handlers. Default 10 000. */
  closeTimeoutMs?: number;
}

/**
 * The bus for embedded mode (every service in one process) and for tests of services: same semantics
 * and validation as the NATS bus, nothing leaves the process, work items do not survive a restart.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const logger = options.logger ?? stderrLogger;
  return createTypedBus(new MemoryTransport(logger), { logger, closeTimeoutMs: options.closeTimeoutMs ?? 10_000 });
}
