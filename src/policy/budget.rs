//! Wall-clock budgets for policy evaluation. regorus cannot be interrupted from outside,
//! and its own execution timer does not end every loop, so work that might never end runs
//! on a worker thread and the caller waits at most the budget for each step. A worker
//! that overruns is abandoned: its result is dropped and its thread runs on, detached,
//! until it ends or the process exits.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The default budget of one rule on one shard of the graph (and of one policy test).
pub const DEFAULT: Duration = Duration::from_secs(60);

/// Stack of a worker: regorus' interpreter recurses along the input and the policy.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// How one step ended.
#[derive(Debug)]
pub enum Step<T> {
    Done(T),
    /// The step did not end within the budget; it was abandoned.
    OverBudget,
    /// The step panicked (a bug in the engine); its message.
    Panicked(String),
}

enum Message<T, S> {
    Step(T),
    Finished(S),
}

/// Run `step(&mut state, i)` for `i` in `0..count`, in order, on a worker thread, each
/// step within `budget` of the previous one. When a step overruns or panics, its worker is
/// given up and the remaining steps go on from a `fresh()` state on a new worker.
///
/// Returns every step's outcome and the final state of each worker that finished.
pub fn run_steps<S, T>(
    count: usize,
    budget: Duration,
    fresh: impl Fn() -> S,
    step: impl Fn(&mut S, usize) -> T + Send + Sync + 'static,
) -> (Vec<Step<T>>, Vec<S>)
where
    S: Send + 'static,
    T: Send + 'static,
{
    let step = Arc::new(step);
    let mut outcomes: Vec<Step<T>> = Vec::with_capacity(count);
    let mut states = Vec::new();
    while outcomes.len() < count {
        let start = outcomes.len();
        let (tx, rx) = mpsc::channel();
        let mut state = fresh();
        let job = step.clone();
        let worker = move || {
            for i in start..count {
                let out = job(&mut state, i);
                if tx.send(Message::Step(out)).is_err() {
                    return;
                }
            }
            let _ = tx.send(Message::Finished(state));
        };
        let spawned = std::thread::Builder::new()
            .name("ecsaudit-eval".into())
            .stack_size(WORKER_STACK)
            .spawn(worker);
        if let Err(e) = spawned {
            let why = format!("cannot start an evaluation thread: {e}");
            outcomes.extend((start..count).map(|_| Step::Panicked(why.clone())));
            break;
        }
        loop {
            match rx.recv_timeout(budget) {
                Ok(Message::Step(out)) => outcomes.push(Step::Done(out)),
                Ok(Message::Finished(state)) => {
                    states.push(state);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    outcomes.push(Step::OverBudget);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    if outcomes.len() < count {
                        outcomes.push(Step::Panicked("the evaluation thread panicked".into()));
                    }
                    break;
                }
            }
        }
    }
    (outcomes, states)
}

/// Run `job` on a worker thread and wait at most `budget` for it.
pub fn run_within<T: Send + 'static>(
    budget: Duration,
    job: impl FnOnce() -> T + Send + 'static,
) -> Step<T> {
    let job = std::sync::Mutex::new(Some(job));
    let (mut outcomes, _) = run_steps(
        1,
        budget,
        || (),
        move |_, _| {
            let job = job.lock().ok().and_then(|mut j| j.take());
            job.map(|j| j())
        },
    );
    match outcomes.pop() {
        Some(Step::Done(Some(v))) => Step::Done(v),
        Some(Step::Done(None)) | None => Step::Panicked("the job ran twice".into()),
        Some(Step::OverBudget) => Step::OverBudget,
        Some(Step::Panicked(why)) => Step::Panicked(why),
    }
}

/// `N s` or `N ms`, for messages.
pub fn describe(budget: Duration) -> String {
    if budget.as_millis() % 1000 == 0 {
        format!("{} s", budget.as_secs())
    } else {
        format!("{} ms", budget.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn steps_that_overrun_are_abandoned_and_the_rest_go_on() {
        let started = Instant::now();
        let (outcomes, states) = run_steps(
            4,
            Duration::from_millis(200),
            Vec::new,
            |seen: &mut Vec<usize>, i| {
                if i == 1 {
                    std::thread::sleep(Duration::from_secs(30));
                }
                seen.push(i);
                i * 10
            },
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        let done: Vec<Option<usize>> = outcomes
            .iter()
            .map(|o| match o {
                Step::Done(v) => Some(*v),
                _ => None,
            })
            .collect();
        assert_eq!(done, [Some(0), None, Some(20), Some(30)]);
        assert!(matches!(outcomes[1], Step::OverBudget));
        // The first worker was abandoned; the second finished steps 2 and 3.
        assert_eq!(states, [vec![2, 3]]);
    }

    #[test]
    fn a_panicking_step_is_reported_and_the_rest_go_on() {
        let (outcomes, _) = run_steps(
            3,
            DEFAULT,
            || (),
            |_, i| {
                assert!(i != 0, "boom");
                i
            },
        );
        assert!(matches!(outcomes[0], Step::Panicked(_)));
        assert!(matches!(outcomes[1], Step::Done(1)));
        assert!(matches!(outcomes[2], Step::Done(2)));
    }

    #[test]
    fn run_within_returns_the_value_or_gives_up() {
        assert!(matches!(run_within(DEFAULT, || 7), Step::Done(7)));
        let slow = run_within(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(30));
        });
        assert!(matches!(slow, Step::OverBudget));
    }
}
