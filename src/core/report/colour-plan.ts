import type { QueryEngine } from '../seams/query-engine.ts';
import { CountryColourPlan, type CountryColours } from './charts/palette.ts';
import type { SiteModel } from './model.ts';
import { familyPages } from './page-data.ts';
import { countryFamily } from './pages/country.ts';
import { PRODUCT_QUERY_VALUES, productFamily } from './pages/product.ts';
import { commodityCharts, commodityFamily, commodityOf, commoditySeries } from './pages/production.ts';

/**
 * The site-wide country colours, chosen before the first chart is drawn: a pass over the queries that
 * decide which countries each chart names — a product's largest suppliers, a supplier country's own
 * page, a production series' leading countries — folded into counts and neighbours, so it holds one
 * page's rows at a time like the build itself. (On Athena these few queries run twice: once here,
 * once for the pages.)
 */
export async function planColours(engine: QueryEngine, model: SiteModel): Promise<CountryColours> {
  const plan = new CountryColourPlan();
  const products = { key: productFamily.key, queries: { top: productFamily.queries.top } };
  for await (const { rows } of familyPages(engine, products, PRODUCT_QUERY_VALUES))
    plan.add(rows.top.map((r) => String(r.partner_iso3)));
  const countries = { key: countryFamily.key, queries: { led: countryFamily.queries.led } };
  for await (const { key } of familyPages(engine, countries)) plan.add([key]);
  const commodities = { key: commodityFamily.key, queries: { shares: commodityFamily.queries.shares } };
  for await (const page of familyPages(engine, commodities)) {
    const commodity = commodityOf(page.key, commoditySeries(model, page.rows.shares));
    for (const chart of commodity ? commodityCharts(model, commodity) : []) plan.add(chart.countries);
  }
  return plan.colours();
}
