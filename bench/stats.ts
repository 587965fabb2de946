/** Percentiles and summaries shared by the benchmarks. */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** p50, p99 and mean of a list of milliseconds, rounded to microseconds. */
export function summarise(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((left, right) => left - right);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const mean = samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length);
  return {
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(mean),
  };
}
