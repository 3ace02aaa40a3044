import { performance } from "node:perf_hooks";

export interface Timing {
  label: string;
  runs: number;
  medianMs: number;
  minMs: number;
}

/** Runs `fn` `runs` times after one warm-up and reports the median and fastest wall time. */
export function measure(label: string, runs: number, fn: () => unknown): Timing {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, runs, medianMs: samples[Math.floor(runs / 2)] ?? 0, minMs: samples[0] ?? 0 };
}

export function printTimings(title: string, timings: readonly Timing[]): void {
  console.log(`\n${title}`);
  for (const t of timings) {
    console.log(
      `  ${t.label.padEnd(44)} median ${t.medianMs.toFixed(3).padStart(9)} ms   min ${t.minMs.toFixed(3).padStart(9)} ms   (${t.runs} runs)`,
    );
  }
}
