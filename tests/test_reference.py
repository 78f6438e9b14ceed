from pipeline.extract.reference import (
    domain_of, find_municipality, frameworks, municipalities, municipality_pattern, revision_areas,
)


def test_register_has_290_unique_municipalities():
    ms = municipalities()
    assert len(ms) == 290
    assert len({m.code for m in ms}) == 290
    assert len({m.name for m in ms}) == 290
    assert all(len(m.code) == 4 and m.code.isdigit() for m in ms)


def test_register_knows_torsas_with_leading_zero_and_county():
    m = find_municipality("Torsås")
    assert (m.code, m.county) == ("0834", "Kalmar län")
    assert find_municipality("Upplands-Bro").code == "0139"


def test_names_are_matched_in_the_forms_reports_use():
    pat = municipality_pattern()
    found = lambda s: [(m.group("name") or m.group("region")).lower() for m in pat.finditer(s)]
    assert found("ANALYS AV TORSÅS KOMMUN 2021") == ["torsås"]
    assert found("Torsås kommuns resultat") == ["torsås"]
    assert found("Helsingborgs stad har") == ["helsingborg"]
    assert found("Region Gotland") == ["gotland"]
    assert found("Upplands-Bro kommun") == ["upplands-bro"]
    # a bare place name is not a municipality named as the subject of a report
    assert found("pendlingsavstånd till Kalmar, Emmaboda") == []


def test_crosswalk_pairs_old_and_new_areas_as_documented():
    pairs = {1: 1, 2: 5, 3: 3, 4: 8, 5: 4, 6: 7, 7: 6, 8: 2}
    for old, new in pairs.items():
        assert domain_of("2016", old) == domain_of("2020", new) == domain_of("2010", old)
    assert len({domain_of("2020", a) for a in range(1, 9)}) == 8
    assert set(frameworks()["revisions"]) == {"2010", "2016", "2020"}
    assert revision_areas("2010")[7]["title"] == "Verksamhetsutveckling"
