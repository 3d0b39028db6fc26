//! The page's one loop: every event (a control, a button, the pointer, the keyboard, the
//! animation frame, the tour, the lecture mode, the host page) becomes an [`Action`];
//! [`dispatch`] applies it to the state in one place (`App::apply`, `app/apply.rs`) and then
//! brings the page's controls, caption and notices up to date. Drawing reads the state.

use super::view::{At, Speed};
use super::Shared;
use crate::notation::Notation;
use crate::sim::scenario::Scenario;
use crate::sim::sweep::{Metric, Sweep};

/// Something that changes the page's state.
pub enum Action {
    /// Sets one key from text as a link would: clamped or repaired, with notices.
    SetKey {
        key: String,
        text: String,
    },
    /// Shows `scenario` instead of the current one; `fresh` is a new story (no ghost of the run
    /// before it); `at` computes the run to that step before showing it.
    Load {
        scenario: Box<Scenario>,
        fresh: bool,
        at: Option<At>,
    },
    /// Computes the run to the step `at=` asks for (under reduced motion: its end) and shows it
    /// paused; without either it plays.
    ShowResult,
    /// The step `ShowResult` computes to (`at=`, kept in the link), without restarting the run.
    SetAt(Option<At>),
    /// The Play/Pause button and Space: a finished run plays again from the start.
    TogglePlay,
    /// Plays (a finished run from the start).
    Play,
    Pause,
    /// Pauses, then `n` steps (on a network: one epoch).
    Step(u64),
    /// The same run from its start.
    Reset,
    /// The animation frame at time `now` (ms).
    Frame(f64),
    SetSpeed(Speed),
    SetLogX(bool),
    SetFullRange(bool),
    SetNotation(Notation),
    /// The window changed size or pixel ratio.
    Resize(f64),
    /// The pointer over the loss chart (device pixels), or gone.
    Hover(Option<(f64, f64)>),
    /// The pointer grabbed or released w* on the landscape.
    Drag(bool),
    /// w* moved to (x, y) (dragged or by the arrow keys); a run at its start plays.
    MoveWstar(f64, f64),
    /// A sweep over the two axes of `sweep`, as the form asked (`axes`, `steps` and `seeds` go
    /// into the link).
    SweepStart {
        sweep: Box<Sweep>,
        axes: String,
        steps: u64,
        seeds: u64,
    },
    SweepCancel,
    SweepMetric(Metric),
    /// Loads sweep cell (i, j)'s scenario and outlines it.
    SweepPick {
        i: usize,
        j: usize,
        scenario: Box<Scenario>,
    },
    /// Opens tour step k, or closes the tour.
    Tour(Option<usize>),
    /// Enters or leaves the lecture mode.
    Present(bool),
    /// A lecture slide opens: with a question, its run waits at step 0 with the answer hidden.
    Ask(bool),
    /// The room's guess on the landscape (data coordinates): the run goes to its end.
    Guess([f64; 2]),
    /// A long caption's "More" / "Less": its whole text, or its first sentence.
    ToggleCaption,
}

/// What the page must bring up to date after an action.
#[derive(Default)]
pub struct After {
    /// The scenario changed: controls, caption, export buttons and the sweep form follow;
    /// `refill_sweep` sets the sweep form to the new problem's defaults.
    pub sync: bool,
    pub refill_sweep: bool,
    /// The caption's length in lines may have changed (its width, or "More" / "Less").
    pub caption: bool,
    /// Notices to show (a link's or a control's clamping, `at=` not honoured).
    pub notices: Vec<String>,
}

/// Applies `action` and updates the page; returns the notices it raised, for the caller to show
/// (alone, or with its own).
pub fn dispatch(app: &Shared, action: Action) -> Vec<String> {
    let after = app.borrow_mut().apply(action);
    if after.sync {
        super::sync_page(app, after.refill_sweep);
    } else if after.caption {
        super::sync_caption(&app.borrow());
    }
    after.notices
}

/// [`dispatch`], showing the notices (replacing the ones shown) when there are any.
pub fn dispatch_and_notify(app: &Shared, action: Action) {
    let notices = dispatch(app, action);
    if !notices.is_empty() {
        let _ = super::show_notices(&notices);
    }
}
