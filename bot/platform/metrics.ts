/** Process-local counters, exposed in Prometheus text format on /metrics. */
export interface Metrics {
  inc(name: string, by?: number): void;
  render(): string;
}

export function createMetrics(): Metrics {
  const counters = new Map<string, number>();
  return {
    inc(name, by = 1) {
      counters.set(name, (counters.get(name) ?? 0) + by);
    },
    render() {
      return [...counters.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => `# TYPE healthbot_${name} counter\nhealthbot_${name} ${value}`)
        .join("\n")
        .concat("\n");
    },
  };
}
