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
    assert_eq!(plan["population"]["items"], 15800);
    assert_eq!(
        plan["population"]["sha256"],
        "4b75b9ae660e20a3a3477d073a4df945ca032c389df958bc06c7de0534678554"
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
            ("U02", 250, 27, "I2018Q40000604"),
            ("U06", 241, 26, "I2018Q40001824"),
            ("U07", 250, 27, "I2018Q40002245"),
            ("U14", 258, 27, "I2018Q40004326"),
            ("U15", 250, 27, "I2018Q40004939"),
            ("U19", 249, 27, "I2018Q40005940"),
            ("U26", 247, 27, "I2018Q40008218"),
            ("U27", 250, 27, "I2018Q40008722"),
            ("U28", 234, 27, "I2018Q40009011"),
            ("U31", 236, 27, "I2018Q40010057"),
            ("U50", 334, 27, "I2018Q40016156"),
            ("U51", 347, 28, "I2018Q40017076"),
            ("U53", 326, 27, "I2018Q40017727"),
        ]
    );
    let first: Vec<&str> = units[0]["items"].as_array().unwrap()[..5]
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(
        first,
        [
            "I2018Q40000604",
            "I2018Q40000416",
            "I2018Q40000424",
            "I2018Q40000551",
            "I2018Q40000600"
        ]
    );

    // All 351 draws at once: SHA-256 of the lines `unit<TAB>item` in sample.json order.
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
    assert_eq!(drawn, 351);
    assert_eq!(
        format!("{:x}", hasher.finalize()),
        "e2afb6bca2e6dd6ca4d5212c6fff96e2f093a396b4d918ee2bb2842810203887"
    );
}
