import { Counter, type CounterConfiguration, type LabelValues, type Registry } from 'prom-client';

type TalliedCounterConfiguration<L extends string> = Omit<CounterConfiguration<L>, 'collect' | 'registers'> & {
  labelNames: readonly L[];
};

/**
 * A counter for the request path. prom-client's `inc` hashes, sorts and validates the labels on
 * every call; this keeps plain tallies per label values and hands them to prom-client only when
 * the registry is scraped.
 */
export class TalliedCounter<L extends string> {
  private readonly tallies = new Map<string, { labels: LabelValues<L>; count: number }>();
  private readonly labelNames: readonly L[];

  constructor(config: TalliedCounterConfiguration<L>, registry: Registry) {
    const { tallies } = this;
    this.labelNames = config.labelNames;
    new Counter<L>({
      ...config,
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, count } of tallies.values()) this.inc(labels, count);
      },
    });
  }

  /** The tally of these label values (in the order of `labelNames`), to keep and increment with no lookup at all. */
  series(...values: string[]): { inc(): void } {
    const key = values.join('\u0000');
    let tally = this.tallies.get(key);
    if (!tally) {
      const labels: Partial<Record<L, string>> = {};
      this.labelNames.forEach((name, index) => {
        labels[name] = values[index];
      });
      tally = { labels, count: 0 };
      this.tallies.set(key, tally);
    }
    const counted = tally;
    return {
      inc: () => {
        counted.count += 1;
      },
    };
  }
}
