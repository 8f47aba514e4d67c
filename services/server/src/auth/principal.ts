/** Who is calling, and what they may reach. */
import { KcError } from '@kgc/soap';

export type Principal =
  /** dagent, spooler, gateway, monitor, kgc-admin: any store, every admin operation. */
  | { kind: 'service'; sessionId: string }
  /** A user (also a service impersonating one): their own store only; admin operations when isAdmin. */
  | { kind: 'user'; sessionId: string; userId: number; loginName: string; storeId: number | null; isAdmin: boolean };

export function assertStoreAccess(p: Principal, storeId: number): void {
  if (p.kind === 'service') return;
  if (p.storeId !== storeId) throw new KcError('KCERR_NO_ACCESS', 'no access to that store');
}

export function assertAdmin(p: Principal): void {
  if (p.kind === 'service' || p.isAdmin) return;
  throw new KcError('KCERR_NO_ACCESS', 'this operation needs an administrator');
}

/** Admin, or the user themself. */
export function assertSelfOrAdmin(p: Principal, userId: number): void {
  if (p.kind === 'user' && !p.isAdmin && p.userId !== userId) {
    throw new KcError('KCERR_NO_ACCESS', 'no access to that user');
  }
}

export function assertService(p: Principal): void {
  if (p.kind !== 'service') throw new KcError('KCERR_NO_ACCESS', 'this operation needs a service session');
}
