//! Definitions at a scale no one writes by hand cost time in proportion to
//! their size: 10,000 formulas in a chain are checked and evaluated within
//! bounds (1 GiB; 10 s of CPU for the chain, which takes about 4.5 s in a
//! debug build on a quiet machine and failed the corpus's 5 s on a busy
//! one, where evaluating it in rounds would take 10,000 rounds; 5 s for the
//! loop).

use crate::common;
use common::*;

#[test]
fn ten_thousand_chained_formulas_are_checked_in_linear_time() {
    let f = referrals_project();
    let n = 10_000;
    let mut items = vec![indicator(
        "F0",
        "count",
        "neutral",
        "kind: flow\nsource: referrals\ndate: referral_date",
        "",
    )];
    // Declared last first, so an evaluation in rounds would need n rounds.
    for i in (1..n).rev() {
        items.push(indicator(
            &format!("F{i}"),
            "count",
            "neutral",
            &format!("kind: expression\nformula: F{} + 1", i - 1),
            "",
        ));
    }
    f.file("indicators/chain.yaml", &indicators(&items));
    let out = rubric_bounded_cpu(f.path(), &["check"], 10);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("ok: 10000 indicators"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_long_loop_of_formulas_is_reported_once() {
    let f = referrals_project();
    let n = 5_000;
    let items: Vec<String> = (0..n)
        .map(|i| {
            indicator(
                &format!("L{i}"),
                "count",
                "neutral",
                &format!("kind: expression\nformula: L{} + 1", (i + 1) % n),
                "",
            )
        })
        .collect();
    f.file("indicators/ring.yaml", &indicators(&items));
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("read each other in a loop").count(),
        1,
        "{}",
        &out.stderr[..500.min(out.stderr.len())]
    );
    assert!(
        out.stderr.contains("loop: L0 -> L1 -> L2"),
        "{}",
        &out.stderr[..500.min(out.stderr.len())]
    );
}
