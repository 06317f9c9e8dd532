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
    assert_eq!(plan["population"]["items"], 15918);
    assert_eq!(
        plan["population"]["sha256"],
        "7b272efb6541d9ec5ec87fd31af2fe28e1622b05d50b8ba5a5dd24bf1639f12d"
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
            ("U02", 241, 26, "I2018Q40000584"),
            ("U06", 248, 27, "I2018Q40001809"),
            ("U07", 246, 27, "I2018Q40001969"),
            ("U14", 286, 27, "I2018Q40004406"),
            ("U15", 240, 27, "I2018Q40004905"),
            ("U19", 250, 27, "I2018Q40006200"),
            ("U26", 249, 27, "I2018Q40008426"),
            ("U27", 237, 27, "I2018Q40008828"),
            ("U28", 250, 27, "I2018Q40009077"),
            ("U31", 250, 27, "I2018Q40009830"),
            ("U50", 335, 27, "I2018Q40016570"),
            ("U51", 335, 27, "I2018Q40016772"),
            ("U53", 323, 27, "I2018Q40018022"),
        ]
    );
    let first: Vec<&str> = units[0]["items"].as_array().unwrap()[..5]
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(
        first,
        [
            "I2018Q40000584",
            "I2018Q40000314",
            "I2018Q40000436",
            "I2018Q40000406",
            "I2018Q40000531"
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
        "5aadf40375e59adc0aa93d97fae12b4f46ad02b71b21f982339d915aa6d4632c"
    );
}
