/** How long each step of a browser test took, for the summary printed at the end. */
export class StepTimings {
  private readonly steps: { name: string; ms: number }[] = [];

  async measure<T>(name: string, step: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await step();
    } finally {
      this.steps.push({ name, ms: performance.now() - started });
    }
  }

  summary(): string {
    const width = Math.max(...this.steps.map((step) => step.name.length));
    const lines = this.steps.map((step) => `${step.name.padEnd(width)}  ${step.ms.toFixed(0).padStart(6)} ms`);
    const total = this.steps.reduce((sum, step) => sum + step.ms, 0);
    return [...lines, `${'total'.padEnd(width)}  ${total.toFixed(0).padStart(6)} ms`].join('\n');
  }
}
