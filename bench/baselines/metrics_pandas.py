"""The trade metrics of sql/metrics/*.sql in pandas: the baseline an analyst would write."""
import numpy as np
import pandas as pd

from common import KEYS, NOT_NES, SOURCE_PREFERENCE, TABLES, TRADE_COLUMNS, lake_paths, run


def supplier_shares(annual, countries):
    # One source per cell: the preferred source among those with a country partner.
    country = annual.loc[~annual.partner_is_aggregate]
    cells = country.groupby(KEYS + ["source"], as_index=False).is_estimated.any()
    cells["preference"] = cells.source.map(SOURCE_PREFERENCE).fillna(99)
    cells = cells.sort_values(KEYS + ["preference", "source"]).drop_duplicates(KEYS)
    # provisional (trade_cell_sources.sql): the source's latest annual year, or an estimated value.
    cells["provisional"] = cells.is_estimated | (cells.year >= cells.source.map(country.groupby("source").year.max()))
    chosen = annual.merge(cells[KEYS + ["source"]], on=KEYS + ["source"])

    suppliers = chosen.loc[~chosen.partner_is_aggregate]
    s = suppliers.groupby(KEYS + ["partner_iso3"], as_index=False, sort=False).value_usd.sum()
    s["cell_total"] = s.groupby(KEYS, sort=False).value_usd.transform("sum")
    s = s.sort_values(KEYS + ["value_usd", "partner_iso3"], ascending=[True] * 4 + [False, True], ignore_index=True)
    s["rank"] = s.groupby(KEYS, sort=False).cumcount() + 1
    names = countries.groupby("iso3").name.min().dropna()
    s["partner_name"] = s.partner_iso3.map(names)
    # The source's name only where countries has none (as supplier_shares.sql): MIN(partner_name) as
    # "first after sorting by name", since a string min falls back to a Python loop per group.
    unnamed = s.partner_name.isna()
    source_names = (suppliers.loc[~suppliers.partner_iso3.isin(names.index)].sort_values("partner_name", kind="stable")
                    .groupby(KEYS + ["partner_iso3"], sort=False).partner_name.first().rename("source_name"))
    s.loc[unnamed, "partner_name"] = s.loc[unnamed].join(source_names, on=KEYS + ["partner_iso3"]).source_name
    s["share"] = s.value_usd / s.cell_total
    out = s[KEYS + ["partner_iso3", "partner_name", "value_usd", "share", "rank"]].merge(
        cells[KEYS + ["provisional"]], on=KEYS, how="left")
    return out, chosen


def concentration(shares, chosen):
    nes = (chosen.loc[chosen.partner_is_aggregate & ~chosen.partner_iso3.isin(NOT_NES)]
           .groupby(KEYS).value_usd.sum().rename("nes_value"))
    v = shares.value_usd
    work = shares[KEYS].assign(value=v, sq=v * v, top1=v.where(shares["rank"] == 1), top3=v.where(shares["rank"] <= 3))
    c = work.groupby(KEYS).agg(n_suppliers=("value", "size"), total_value_usd=("value", "sum"),
                               sum_squares=("sq", "sum"), top1=("top1", "sum"), top3=("top3", "sum"))
    c["top_supplier_iso3"] = shares.loc[shares["rank"] == 1].set_index(KEYS).partner_iso3
    c = c.join(nes)
    c["nes_value"] = c.nes_value.fillna(0.0)
    hhi = c.sum_squares / (c.total_value_usd * c.total_value_usd)
    n = c.n_suppliers
    out = pd.DataFrame({
        "n_suppliers": n.astype("int32"),
        "total_value_usd": c.total_value_usd,
        "hhi": hhi,
        "hhi_points": 1e4 * hhi,
        "cr1": c.top1 / c.total_value_usd,
        "cr3": c.top3 / c.total_value_usd,
        "n_eff": 1.0 / hhi,
        "hhi_norm": ((hhi - 1.0 / n) / (1.0 - 1.0 / n)).where(n > 1),
        "top_supplier_iso3": c.top_supplier_iso3,
        "nes_share": c.nes_value / (c.total_value_usd + c.nes_value),
        "provisional": shares.groupby(KEYS).provisional.any(),
    }, index=c.index)
    return out.reset_index()


def member_mask(df, groups, group_id):
    """Rows whose partner belongs to the group in the row's year (valid_from/valid_to honoured)."""
    mask = np.zeros(len(df), dtype=bool)
    for g in groups.loc[groups.group_id == group_id].itertuples():
        in_years = (df.year >= g.valid_from) & (True if pd.isna(g.valid_to) else df.year <= g.valid_to)
        mask |= ((df.partner_iso3 == g.iso3) & in_years).to_numpy()
    return mask


def dependency(shares, groups):
    v = shares.value_usd.to_numpy()
    ally = member_mask(shares, groups, "ALLY_2021_SC")
    covered = member_mask(shares, groups, "US_COVERED")
    china_hkg = member_mask(shares, groups, "CHINA_HKG_MAC")
    work = shares[KEYS].assign(
        total=v,
        china=np.where(shares.partner_iso3.to_numpy() == "CHN", v, 0.0),
        china_hkg=np.where(china_hkg, v, 0.0),
        ally=np.where(ally, v, 0.0),
        covered=np.where(covered, v, 0.0),
        covered_hkg=np.where(covered | china_hkg, v, 0.0),
        other=np.where(~ally & ~covered, v, 0.0),
    )
    c = work.groupby(KEYS).sum()
    out = pd.DataFrame({"total_value_usd": c.total}, index=c.index)
    for name in ["china", "china_hkg", "ally", "covered", "covered_hkg", "other"]:
        out[f"{name}_share"] = c[name] / c.total
    out["provisional"] = shares.groupby(KEYS).provisional.any()
    return out.reset_index()


def trade_trend(dep):
    series = ["reporter_iso3", "hs6", "flow"]
    d = dep.sort_values(KEYS, ignore_index=True)
    g = d.groupby(series, sort=False)
    prev_year = g.year.shift()
    prev_total = g.total_value_usd.shift()
    prev_share = g.china_share.shift()
    first_year = g.year.transform("min")
    first_total = g.total_value_usd.transform("first")
    consecutive = prev_year == d.year - 1
    gap = (d.year - first_year).astype("float64")
    x = (d.year - 2000).astype("float64")
    y = d.china_share
    sums = pd.DataFrame({"n": 1, "x": x, "y": y, "xx": x * x, "xy": x * y}).groupby([d[c] for c in series], sort=False).transform("sum")
    slope = (sums.n * sums.xy - sums.x * sums.y) / (sums.n * sums.xx - sums.x * sums.x)
    return pd.DataFrame({
        **{c: d[c] for c in KEYS},
        "total_value_usd": d.total_value_usd,
        "yoy": (d.total_value_usd / prev_total - 1).where(consecutive & (prev_total > 0)),
        "china_share": d.china_share,
        "china_share_change_pp": ((d.china_share - prev_share) * 100).where(consecutive),
        "first_year": first_year.astype("int32"),
        "cagr": (np.power(d.total_value_usd / first_total, 1.0 / gap.where(gap > 0)) - 1)
        .where((d.year > first_year) & (first_total > 0) & (d.total_value_usd > 0)),
        "china_share_slope": slope.where(sums.n >= 5),
        "provisional": d.provisional,
    })


def compute(lake, out):
    paths = lake_paths(lake)
    annual = pd.read_parquet(paths["trade_flows"], columns=TRADE_COLUMNS,
                             filters=[("month", "==", 0), ("value_usd", ">", 0)])
    # Hive partition columns come back as categoricals: make them plain values.
    annual["source"] = annual.source.astype(str)
    annual["year"] = annual.year.astype("int32")
    countries = pd.read_parquet(paths["countries"], columns=["iso3", "name"])
    groups = pd.read_parquet(paths["partner_groups"])

    shares, chosen = supplier_shares(annual, countries)
    tables = {
        "supplier_shares": shares,
        "concentration": concentration(shares, chosen),
    }
    tables["dependency"] = dependency(shares, groups)
    tables["trade_trend"] = trade_trend(tables["dependency"])
    for name in TABLES:
        df = tables[name]
        df["year"] = df.year.astype("int32")
        if "rank" in df:
            df["rank"] = df["rank"].astype("int32")
        df.to_parquet(f"{out}/{name}.parquet", index=False)
    return {name: len(tables[name]) for name in TABLES}


if __name__ == "__main__":
    run(compute)
