/**
 * Which store a folder belongs to, remembered per process (a folder never changes store). Only a
 * hint: users re-check `folders.store_id` under the store lock, so an entry of a deleted folder,
 * or of an id that came back after a rolled-back insert, costs a re-read, never a wrong answer.
 */
export class FolderStoreCache {
  private readonly map = new Map<number, number>();

  constructor(private readonly capacity = 100_000) {}

  get(folderId: number): number | undefined {
    return this.map.get(folderId);
  }

  set(folderId: number, storeId: number): void {
    if (this.map.has(folderId)) return;
    if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(folderId, storeId);
  }

  delete(folderId: number): void {
    this.map.delete(folderId);
  }
}
