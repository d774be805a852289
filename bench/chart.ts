import { writeFileSync } from 'node:fs';
import type { ConfigurationResult } from './throughput';

/** Horizontal bars of requests per second, one per configuration, coloured by database. */
export async function writeThroughputChart(results: ConfigurationResult[], path: string): Promise<void> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const { Resvg } = await import('@resvg/resvg-js');
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Token Warden: requests per second by configuration',
    width: 560,
    background: 'white',
    data: {
      values: results.map((result) => ({
        configuration: `${result.configuration.label} · ${result.configuration.database}`,
        database: result.configuration.database,
        rps: Math.round(result.requestsPerSecond),
      })),
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'configuration', type: 'nominal', sort: null, title: null, axis: { labelLimit: 400 } },
          x: { field: 'rps', type: 'quantitative', title: 'requests/s (median round)' },
          color: { field: 'database', type: 'nominal', title: 'Database' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          y: { field: 'configuration', type: 'nominal', sort: null },
          x: { field: 'rps', type: 'quantitative' },
          text: { field: 'rps', type: 'quantitative' },
        },
      },
    ],
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  writeFileSync(path, png);
}
