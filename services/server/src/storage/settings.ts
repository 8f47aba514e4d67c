import { KcError } from '@kgc/soap';
import type { Knex } from 'knex';
import type { AttachmentStorage } from './config.js';
import { isUniqueViolation } from './db-errors.js';

export async function getSetting(db: Knex, name: string): Promise<string | null> {
  const row = (await db('settings').select('value').where('name', name).first()) as { value: string } | undefined;
  return row ? row.value : null;
}

/**
 * Records `attachment_storage` on first start and refuses to start when the configured backend
 * differs from the recorded one (as KGC does): the existing blobs would become unreadable.
 */
export async function checkAttachmentStorage(db: Knex, configured: AttachmentStorage): Promise<void> {
  let recorded = await getSetting(db, 'attachment_storage');
  if (recorded === null) {
    try {
      await db('settings').insert({ name: 'attachment_storage', value: configured });
      return;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      recorded = await getSetting(db, 'attachment_storage');
    }
  }
  if (recorded !== configured) {
    throw new KcError(
      'KCERR_INVALID_PARAMETER',
      `attachment_storage is '${configured}' but this database was created with '${recorded}'; refusing to start`,
    );
  }
}
