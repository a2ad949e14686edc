/**
 * Method constants shown on the pages, each with where it comes from (see the metrics specification).
 * They are conventions for reading the data, not data.
 */
export const HHI_BANDS = [
  {
    from: 0.25,
    to: 0.4,
    label:
      'HHI 0.25–0.40: concentrated (2,500 points, the "highly concentrated" line of the 2010 US merger guidelines)',
    legend: '0.25–0.40 concentrated (2010 US merger guidelines)',
    short: 'concentrated',
  },
  {
    from: 0.4,
    to: 1,
    label: 'HHI above 0.40: EU-style dependency threshold (European Commission SWD(2021) 352)',
    legend: 'above 0.40: EU-style dependency threshold',
    short: 'EU dependency threshold',
  },
] as const;

/** Value reported against "nes" areas above this share of the cell is flagged (metrics specification §4.6). */
export const NES_WARNING_SHARE = 0.05;

/** How many suppliers a product's stacked bar names before "all other countries". */
export const TOP_SUPPLIERS_SHOWN = 5;

/**
 * How many products a supplier country's chart draws, largest share first: at 24 px a bar, a country
 * that supplies a thousand products would draw a chart 24,000 px tall. Every product stays in the
 * chart's data table, CSV and JSON.
 */
export const COUNTRY_PRODUCTS_DRAWN = 30;

/** A supplier with more than this share of a product's imports is a single-country dependence (KIET "sensitive item", metrics specification §2). */
export const MAJORITY_SHARE = 0.5;
