// The figures the benchmarks print.

const round = (value, digits) => (digits === undefined ? value : +value.toFixed(digits));

/** The p-th percentile (nearest rank) of `values`, in any order; rounded to `digits` decimals when given. */
export function percentile(values, p, digits) {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))], digits);
}

/** p50, p95, min and max of `values` (rounded to `digits` decimals) and how many there were. */
export function summary(values, digits = 1) {
  if (!values.length) return { runs: 0 };
  return {
    p50: percentile(values, 50, digits),
    p95: percentile(values, 95, digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
    runs: values.length,
  };
}
