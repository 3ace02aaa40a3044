/** Wall clock with an adjustable offset, so tests can move time forward (e.g. past a 465 TTL). */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
