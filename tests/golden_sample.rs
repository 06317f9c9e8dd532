//! Golden spot-check draw: `zwgk sample` on the shipped 2018-Q4 quarter with a fixed seed
//! draws exactly these units and items.
//!
//! Why literals: an archived sample (sample.json and the inspectors' worksheets) must stay
//! reproducible from its seed, years later, by anyone redoing the draw. A new stream from
//! a rand / rand_chacha bump, another shuffle, other sample sizes or another population
//! order would redraw silently and orphan every archived worksheet; this test fails
//! instead. Do not update the literals unless changing the draw is intended and announced.

use sha2::{Digest, Sha256};

use crate::util::{read_json, shipped_standards, Sandbox};

#[test]
fn the_2018_q4_draw_with_seed_20181231_is_fixed() {
    let sandbox = Sandbox::new();
    let dir = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    let standards = shipped_standards();
    sandbox
        .run(&[
            "sample",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "--level",
            "II",
            "--confidence",
            "0.95",
            "--tolerable",
            "0.10",
            "--seed",
            "20181231",
        ])
        .ok();
    let plan = read_json(&dir.join("sample/sample.json"));

    assert_eq!(plan["seed"], 20181231);
    assert_eq!(plan["level"], "II");
    assert_eq!(plan["confidence"], 0.95);
    assert_eq!(plan["tolerable_rate"], 0.1);
    assert_eq!(plan["rule"], "ZWGK-302/spot-check-item");
    assert_eq!(plan["population"]["units"], 60);
    assert_eq!(plan["population"]["items"], 14807);
    assert_eq!(
        plan["population"]["sha256"],
        "6af2a09c6b7032a505236a26aea4ce39d13f40736e6a0b0a730caeef668f893c"
    );
    // Stage 1: 13 of 60 units, 10 of 46 departments and 3 of 14 towns.
    assert_eq!(
        plan["strata"],
        serde_json::json!([
            {"kind": "department", "units": 46, "sampled": 10},
            {"kind": "town", "units": 14, "sampled": 3}
        ])
    );

    let units = plan["units"].as_array().unwrap();
    // (unit, items in the population, items drawn, first item drawn), in sample.json order.
    let got: Vec<(&str, u64, usize, &str)> = units
        .iter()
        .map(|u| {
            let items = u["items"].as_array().unwrap();
            (
                u["id"].as_str().unwrap(),
                u["population"].as_u64().unwrap(),
                items.len(),
                items[0].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("U02", 248, 27, "I2018Q40000592"),
            ("U06", 249, 27, "I2018Q40001667"),
            ("U07", 226, 27, "I2018Q40002071"),
            ("U14", 250, 27, "I2018Q40004300"),
            ("U15", 250, 27, "I2018Q40004593"),
            ("U19", 245, 27, "I2018Q40005998"),
            ("U26", 236, 27, "I2018Q40008142"),
            ("U27", 250, 27, "I2018Q40008273"),
            ("U28", 250, 27, "I2018Q40008586"),
            ("U31", 250, 27, "I2018Q40009567"),
            ("U50", 223, 26, "I2018Q40015613"),
            ("U51", 240, 27, "I2018Q40015687"),
            ("U53", 249, 27, "I2018Q40016351"),
        ]
    );
    let first: Vec<&str> = units[0]["items"].as_array().unwrap()[..5]
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(
        first,
        [
            "I2018Q40000592",
            "I2018Q40000627",
            "I2018Q40000466",
            "I2018Q40000514",
            "I2018Q40000580"
        ]
    );

    // All 350 draws at once: SHA-256 of the lines `unit<TAB>item` in sample.json order.
    let mut hasher = Sha256::new();
    let mut drawn = 0;
    for unit in units {
        for item in unit["items"].as_array().unwrap() {
            hasher.update(format!(
                "{}\t{}\n",
                unit["id"].as_str().unwrap(),
                item.as_str().unwrap()
            ));
            drawn += 1;
        }
    }
    assert_eq!(drawn, 350);
    assert_eq!(
        format!("{:x}", hasher.finalize()),
        "00b96c1aea68cc37ab2c0a27447f362a7d11070004bb8e5e9658866aaa890b9b"
    );
}
