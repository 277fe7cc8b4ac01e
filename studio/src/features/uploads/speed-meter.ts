const WINDOW_MS = 5_000;

/** Bytes per second over the last few seconds of samples (bytes sent so far, growing). */
export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  sample(bytesSent: number): number {
    const at = this.now();
    this.samples.push({ at, bytes: bytesSent });
    while (this.samples.length > 2 && at - (this.samples[0]?.at ?? at) > WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    if (!first || at - first.at < 250) return 0;
    return Math.max(0, ((bytesSent - first.bytes) * 1000) / (at - first.at));
  }
}
