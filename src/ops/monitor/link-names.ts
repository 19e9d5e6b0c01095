/**
 * The monitor's ifindex → name map: events carry indexes, people read names.
 */
/**
 * ifindex → name, kept from link events and snapshots in stream order; an
 * index never seen is looked up once with RTM_GETLINK (ifindexes are not
 * reused within a namespace, so a cached name only goes stale on a rename,
 * which link events report).
 */
export class LinkNames extends Map<number, string> {
  private readonly missing = new Set<number>();
  constructor(private readonly lookup: (index: number) => string | undefined) {
    super();
  }
  override get(index: number): string | undefined {
    const known = super.get(index);
    if (known !== undefined || index <= 0 || this.missing.has(index)) return known;
    const name = this.lookup(index);
    if (name === undefined) this.missing.add(index);
    else super.set(index, name);
    return name;
  }
  learn(index: number, name: string | undefined): void {
    if (name === undefined || index <= 0) return;
    this.missing.delete(index);
    super.set(index, name);
  }
}
