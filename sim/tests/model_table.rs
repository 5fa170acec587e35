//! The model against the engine's command table: the model keeps its own
//! arities (it shares no code with the engine), so they are checked here
//! against the table's rows; and every command the engine can run must
//! have a model function or a written reason in `NOT_MODELLED`.

use ferrodis_engine::cmd::{build_table, CommandTable};
use ferrodis_sim::model::{all_not_modelled, all_specs};

/// The engine's arity for a full name ("get", "client|id"), if it has a
/// handler for it.
fn engine_arity(table: &CommandTable, full_name: &str) -> Option<i32> {
    table.lookup_full_name(full_name.as_bytes()).filter(|c| c.handler.is_some()).map(|c| c.def.arity)
}

#[test]
fn model_arities_match_the_engine_table() {
    let table = build_table();
    let mut wrong = Vec::new();
    for spec in all_specs() {
        // A container's own row has no handler; its arity is still the row's.
        match table.lookup(spec.name.as_bytes()) {
            Some(cmd) if cmd.def.arity == spec.arity => {}
            Some(cmd) => wrong.push(format!("{}: model {}, engine {}", spec.name, spec.arity, cmd.def.arity)),
            None => wrong.push(format!("{}: in the model, not in the engine's table", spec.name)),
        }
        for sub in spec.subs {
            assert!(sub.full.starts_with(&format!("{}|", spec.name)), "{} listed under {}", sub.full, spec.name);
            match engine_arity(&table, sub.full) {
                Some(arity) if arity == sub.arity => {}
                Some(arity) => wrong.push(format!("{}: model {}, engine {arity}", sub.full, sub.arity)),
                None => wrong.push(format!("{}: in the model, not in the engine's table", sub.full)),
            }
        }
    }
    assert!(wrong.is_empty(), "model arities that disagree with the engine's table:\n{}", wrong.join("\n"));
}

#[test]
fn every_engine_command_is_modelled_or_excused() {
    let table = build_table();
    let modelled = |name: &str| all_specs().any(|s| s.name == name || s.subs.iter().any(|sub| sub.full == name));
    let excused = |name: &str| all_not_modelled().any(|&(n, _)| n == name);
    let mut missing = Vec::new();
    for cmd in table.handled() {
        let name = cmd.full_name.as_str();
        assert!(!(modelled(name) && excused(name)), "{name} is modelled and also listed in NOT_MODELLED");
        if !modelled(name) && !excused(name) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "commands the engine runs with neither a model function (sim/src/model) nor a reason in NOT_MODELLED: {missing:?}"
    );
    for &(name, why) in all_not_modelled() {
        assert!(engine_arity(&table, name).is_some(), "NOT_MODELLED lists {name}, which the engine does not run");
        assert!(!why.is_empty(), "{name}: no reason given");
    }
}
