//! Working days against dates worked out by hand on a printed calendar:
//! weekends, Christmas, Easter and the one-off bank holidays. Convention:
//! the start day is not counted, the end day is.

use crate::common;
use common::*;
use rubric::calendar::{parse_day, Calendar};
use rubric::model::compile::builtin_calendar;

fn d(s: &str) -> i32 {
    parse_day(s).unwrap()
}

fn england() -> Calendar {
    builtin_calendar("england-and-wales").unwrap()
}

#[test]
fn christmas_2022_boxing_day_and_the_substitute_christmas_day() {
    // Fri 23 Dec; 24-25 weekend; Mon 26 Boxing Day; Tue 27 substitute for Christmas Day.
    let cal = england();
    assert_eq!(
        cal.working_days_between(d("2022-12-23"), d("2022-12-28")),
        1
    );
    assert_eq!(
        cal.add_working_days(d("2022-12-23"), 1),
        Some(d("2022-12-28"))
    );
}

#[test]
fn christmas_2021_both_substitute_days() {
    // Fri 24 Dec is a working day; Mon 27 and Tue 28 are substitutes; 29, 30, 31 work.
    assert_eq!(
        england().working_days_between(d("2021-12-24"), d("2021-12-31")),
        3
    );
}

#[test]
fn easter_2023() {
    // Good Friday 7 April, Easter Monday 10 April.
    assert_eq!(
        england().working_days_between(d("2023-04-06"), d("2023-04-11")),
        1
    );
}

#[test]
fn one_off_days_jubilee_funeral_and_coronation() {
    let cal = england();
    // Thu 2 and Fri 3 June 2022: the moved spring bank holiday and the Platinum Jubilee.
    assert_eq!(
        cal.working_days_between(d("2022-06-01"), d("2022-06-06")),
        1
    );
    // Mon 19 September 2022: the State Funeral.
    assert_eq!(
        cal.working_days_between(d("2022-09-16"), d("2022-09-20")),
        1
    );
    // 1 May and 8 May 2023 (early May and the coronation): 8 of the 10 weekdays.
    assert_eq!(
        cal.working_days_between(d("2022-04-28"), d("2022-05-13")),
        10
    );
    assert_eq!(
        cal.working_days_between(d("2023-04-28"), d("2023-05-12")),
        8
    );
}

#[test]
fn forty_five_working_days_across_christmas_and_new_year() {
    // From Tue 1 Nov 2022: 21 more days in November, 20 in December (less 26
    // and 27), then Mon 2 January 2023 is the New Year substitute: Fri 6 January.
    let cal = england();
    assert_eq!(
        cal.add_working_days(d("2022-11-01"), 45),
        Some(d("2023-01-06"))
    );
    assert_eq!(
        cal.working_days_between(d("2022-11-01"), d("2023-01-06")),
        45
    );
    assert_eq!(
        cal.working_days_between(d("2023-01-06"), d("2022-11-01")),
        -45
    );
}

#[test]
fn scotland_has_2_january_and_no_easter_monday() {
    let scotland = builtin_calendar("scotland").unwrap();
    // New Year 2023: Mon 2 and Tue 3 January are both holidays in Scotland.
    assert_eq!(
        scotland.working_days_between(d("2022-12-30"), d("2023-01-04")),
        1
    );
    assert_eq!(
        england().working_days_between(d("2022-12-30"), d("2023-01-04")),
        2
    );
    // Easter Monday 10 April 2023 is a working day in Scotland.
    assert_eq!(
        scotland.working_days_between(d("2023-04-06"), d("2023-04-11")),
        2
    );
}

#[test]
fn the_calendar_round_trips() {
    let cal = england();
    for start in (d("2015-01-01")..d("2027-12-31")).step_by(7) {
        for n in [0, 1, 10, 15, 20, 45] {
            let end = cal.add_working_days(start, n).expect("a date in range");
            assert_eq!(
                cal.working_days_between(start, end),
                n,
                "from day {start} by {n}"
            );
        }
    }
}

#[test]
fn indicators_count_working_days_with_the_projects_calendar_and_closures() {
    let f = Fixture::new();
    // Conferences 15 working days after the strategy discussion are on time.
    // Discussion Fri 9 Dec 2022: 15 working days (England: 26, 27 December
    // and 2 January off) is Wed 4 Jan 2023; Thu 5 January is one day late.
    f.table(
        "conferences",
        vec![
            ("discussion_date", dates(&[Some("2022-12-09"), Some("2022-12-09")])),
            ("conference_date", dates(&[Some("2023-01-04"), Some("2023-01-05")])),
        ],
    )
    .file(
        "indicators/c.yaml",
        &indicators(&[indicator(
            "ICPC",
            "percent",
            "higher_is_better",
            "kind: ratio\nnumerator:\n  kind: flow\n  source: conferences\n  date: conference_date\n  filter: working_days_between(discussion_date, conference_date) <= 15\ndenominator:\n  kind: flow\n  source: conferences\n  date: conference_date\n",
            "",
        )]),
    );
    let t = f.run(&["--period", "2023-01"]);
    assert_eq!(t.value("ICPC", "2023-01"), "50");
    // An office closure on Thu 29 December moves the deadline by a day.
    f.file(
        "rubric.yaml",
        "calendar: england-and-wales\nclosure_days: [2022-12-29]\n",
    );
    let t = f.run(&["--period", "2023-01"]);
    assert_eq!(t.value("ICPC", "2023-01"), "100");
    // Scotland closes on 3 January but works 29 December: 5 January is the
    // 15th working day there.
    f.file("rubric.yaml", "calendar: scotland\n");
    let t = f.run(&["--period", "2023-01"]);
    assert_eq!(t.value("ICPC", "2023-01"), "100");
}

#[test]
fn an_unknown_calendar_is_explained() {
    let f = Fixture::new();
    f.file("rubric.yaml", "calendar: wales\n");
    let out = f.rubric(&["check"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stderr);
}
