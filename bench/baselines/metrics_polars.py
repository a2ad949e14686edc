"""The trade metrics of sql/metrics/*.sql in polars (lazy API): the baseline an analyst would write."""
import polars as pl

from common import KEYS, NOT_NES, SOURCE_PREFERENCE, TABLES, TRADE_COLUMNS, lake_paths, run

SERIES = ["reporter_iso3", "hs6", "flow"]


def supplier_shares(annual, countries):
    # One source per cell: the preferred source among those with a country partner.
    country = annual.filter(~pl.col("partner_is_aggregate"))
    # provisional (trade_cell_sources.sql): the source's latest annual year, or an estimated value.
    latest = country.group_by("source").agg(pl.col("year").max().alias("latest_year"))
    cells = (country.group_by(KEYS + ["source"]).agg(pl.col("is_estimated").any().alias("estimated"))
             .with_columns(pl.col("source").replace_strict(SOURCE_PREFERENCE, default=99).alias("preference"))
             .sort(KEYS + ["preference", "source"])
             .unique(KEYS, keep="first", maintain_order=True)
             .join(latest, on="source")
             .with_columns((pl.col("estimated") | (pl.col("year") >= pl.col("latest_year"))).alias("provisional"))
             .select(KEYS + ["source", "provisional"]))
    chosen = annual.join(cells.select(KEYS + ["source"]), on=KEYS + ["source"])
    names = countries.group_by("iso3").agg(pl.col("name").min())
    shares = (chosen.filter(~pl.col("partner_is_aggregate"))
              .join(names, left_on="partner_iso3", right_on="iso3", how="left")
              .group_by(KEYS + ["partner_iso3"])
              # the source's name only where countries has none (as supplier_shares.sql)
              .agg(pl.col("name").first(),
                   pl.col("partner_name").filter(pl.col("name").is_null()).min().alias("source_partner_name"),
                   pl.col("value_usd").sum())
              .sort(KEYS + ["value_usd", "partner_iso3"], descending=[False] * 4 + [True, False])
              .with_columns(
                  (pl.col("value_usd") / pl.col("value_usd").sum().over(KEYS)).alias("share"),
                  pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over(KEYS).alias("rank"))
              .with_columns(pl.coalesce("name", "source_partner_name").alias("partner_name"))
              .join(cells.select(KEYS + ["provisional"]), on=KEYS, how="left")
              .select(KEYS + ["partner_iso3", "partner_name", "value_usd", "share", "rank", "provisional"]))
    return shares, chosen


def concentration(shares, chosen):
    nes = (chosen.filter(pl.col("partner_is_aggregate") & ~pl.col("partner_iso3").is_in(NOT_NES))
           .group_by(KEYS).agg(pl.col("value_usd").sum().alias("nes_value")))
    v = pl.col("value_usd")
    cells = shares.group_by(KEYS).agg(
        pl.len().cast(pl.Int32).alias("n_suppliers"),
        v.sum().alias("total"),
        (v * v).sum().alias("sum_squares"),
        v.filter(pl.col("rank") == 1).sum().alias("top1"),
        v.filter(pl.col("rank") <= 3).sum().alias("top3"),
        pl.col("partner_iso3").filter(pl.col("rank") == 1).first().alias("top_supplier_iso3"),
        pl.col("provisional").any())
    hhi = pl.col("sum_squares") / (pl.col("total") * pl.col("total"))
    n = pl.col("n_suppliers")
    return (cells.join(nes, on=KEYS, how="left")
            .with_columns(pl.col("nes_value").fill_null(0.0), hhi.alias("hhi"))
            .select(KEYS + [
                "n_suppliers",
                pl.col("total").alias("total_value_usd"),
                "hhi",
                (1e4 * pl.col("hhi")).alias("hhi_points"),
                (pl.col("top1") / pl.col("total")).alias("cr1"),
                (pl.col("top3") / pl.col("total")).alias("cr3"),
                (1.0 / pl.col("hhi")).alias("n_eff"),
                pl.when(n > 1).then((pl.col("hhi") - 1.0 / n) / (1.0 - 1.0 / n)).alias("hhi_norm"),
                "top_supplier_iso3",
                (pl.col("nes_value") / (pl.col("total") + pl.col("nes_value"))).alias("nes_share"),
                "provisional",
            ]))


def member(groups, group_id):
    """Expression: the row's partner belongs to the group in the row's year (valid_from/valid_to honoured)."""
    expr = pl.lit(False)
    for g in groups.filter(pl.col("group_id") == group_id).iter_rows(named=True):
        in_years = pl.col("year") >= g["valid_from"]
        if g["valid_to"] is not None:
            in_years = in_years & (pl.col("year") <= g["valid_to"])
        expr = expr | ((pl.col("partner_iso3") == g["iso3"]) & in_years)
    return expr


def dependency(shares, groups):
    v = pl.col("value_usd")
    ally, covered, china_hkg = (member(groups, g) for g in ["ALLY_2021_SC", "US_COVERED", "CHINA_HKG_MAC"])
    parts = {
        "china": pl.col("partner_iso3") == "CHN",
        "china_hkg": china_hkg,
        "ally": ally,
        "covered": covered,
        "covered_hkg": covered | china_hkg,
        "other": ~ally & ~covered,
    }
    cells = shares.group_by(KEYS).agg(v.sum().alias("total_value_usd"), pl.col("provisional").any(),
                                      *[pl.when(m).then(v).otherwise(0.0).sum().alias(k) for k, m in parts.items()])
    return cells.select(KEYS + ["total_value_usd"] + [(pl.col(k) / pl.col("total_value_usd")).alias(f"{k}_share") for k in parts]
                        + ["provisional"])


def trade_trend(dep):
    over = dict(partition_by=SERIES, order_by="year")
    x = (pl.col("year") - 2000).cast(pl.Float64)
    y = pl.col("china_share")
    n = pl.len().over(SERIES)
    sx, sy, sxx, sxy = (e.sum().over(SERIES) for e in (x, y, x * x, x * y))
    prev_year = pl.col("year").shift(1).over(**over)
    prev_total = pl.col("total_value_usd").shift(1).over(**over)
    prev_share = y.shift(1).over(**over)
    first_year = pl.col("year").min().over(SERIES)
    first_total = pl.col("total_value_usd").sort_by("year").first().over(SERIES)
    consecutive = prev_year == pl.col("year") - 1
    total = pl.col("total_value_usd")
    return dep.select(KEYS + [
        "total_value_usd",
        pl.when(consecutive & (prev_total > 0)).then(total / prev_total - 1).alias("yoy"),
        "china_share",
        pl.when(consecutive).then((y - prev_share) * 100).alias("china_share_change_pp"),
        first_year.cast(pl.Int32).alias("first_year"),
        pl.when((pl.col("year") > first_year) & (first_total > 0) & (total > 0))
        .then((total / first_total).pow(1.0 / (pl.col("year") - first_year).cast(pl.Float64)) - 1).alias("cagr"),
        pl.when(n >= 5).then((n * sxy - sx * sy) / (n * sxx - sx * sx)).alias("china_share_slope"),
        "provisional",
    ])


def compute(lake, out):
    paths = lake_paths(lake)
    annual = (pl.scan_parquet(f"{paths['trade_flows']}/**/*.parquet", hive_partitioning=True)
              .select(TRADE_COLUMNS)
              .filter((pl.col("month") == 0) & (pl.col("value_usd") > 0))
              .with_columns(pl.col("year").cast(pl.Int32)))
    countries = pl.scan_parquet(paths["countries"]).select("iso3", "name")
    groups = pl.read_parquet(paths["partner_groups"])

    shares, chosen = supplier_shares(annual, countries)
    # supplier_shares feeds three tables: compute it once, as the SQL materializes it once.
    shares = shares.collect()
    lazy = shares.lazy()
    dep = dependency(lazy, groups).collect()
    tables = {
        "supplier_shares": shares,
        "concentration": concentration(lazy, chosen).collect(),
        "dependency": dep,
        "trade_trend": trade_trend(dep.lazy()).collect(),
    }
    for name in TABLES:
        tables[name].write_parquet(f"{out}/{name}.parquet")
    return {name: tables[name].height for name in TABLES}


if __name__ == "__main__":
    run(compute)
