//! Random worker messages, whole as they cross the wire, and what their receivers do with them.

use super::*;

/// Real messages to mutate: what a worker posts for a small digits run (state and grid) and for
/// sweep cells of both kinds.
pub struct BaseMessages {
    pub scenario: Scenario,
    pub snapshot: DigitsSnapshot,
    pub grid: GridImages,
    pub state_json: Json,
    pub grid_json: Json,
    pub cell_json: Vec<Json>,
}

impl BaseMessages {
    pub fn new() -> BaseMessages {
        let scenario = Scenario::parse(
            "problem=digits&layers=64,12,10&epochs=2&batch=100&pulses=both&seeds=2&algos=digital,analog,tt",
        )
        .expect("valid scenario");
        let mut ens = NetEnsemble::new(&scenario);
        ens.run_to_end();
        let first = ens.first();
        let at = grid_indices(first.data);
        let snapshot = DigitsSnapshot::of(&ens);
        let grid = GridImages {
            side: first.data.dataset.side(),
            max_level: first.data.dataset.max_level(),
            images: at.iter().map(|&i| first.data.test.image_levels(i).to_vec()).collect(),
            labels: at.iter().map(|&i| first.data.test.labels[i]).collect(),
        };
        let stepped = run_outcome(&Scenario::parse("steps=300&algos=digital,analog,tt&pulses=both").expect("valid"));
        let net = Outcome::from_net_summary(&snapshot.summary);
        let json = |m: FromWorker| serde_json::from_str(&m.to_json()).expect("a message is JSON");
        BaseMessages {
            state_json: json(FromWorker::State { token: 1, snapshot: snapshot.clone() }),
            grid_json: json(FromWorker::Grid { token: 1, grid: grid.clone() }),
            cell_json: vec![
                json(FromWorker::Cell { id: 7, outcome: stepped }),
                json(FromWorker::Cell { id: 8, outcome: net }),
            ],
            scenario,
            snapshot,
            grid,
        }
    }
}

impl Default for BaseMessages {
    fn default() -> Self {
        Self::new()
    }
}

/// A hostile JSON value in place of whatever was there.
fn hostile_json(rng: &mut FuzzRng) -> Json {
    match rng.random_range(0..16) {
        0 => Json::from(u64::MAX),
        1 => Json::from(i64::MIN),
        2 => Json::from(1e308),
        3 => Json::from(-1e308),
        4 => Json::from(-1),
        5 => Json::from(0),
        6 => Json::from(rng.random_range(0..300u64)),
        7 => Json::from(f64::from_bits(rng.random())), // NaN and infinities become null
        8 => Json::from(random_junk(rng)),
        9 => Json::Null,
        10 => Json::from(rng.random_bool(0.5)),
        11 => Json::Array(vec![]),
        12 => Json::Object(Default::default()),
        13 => Json::Array((0..rng.random_range(0..600)).map(|_| Json::from(rng.random_range(0..256u64))).collect()),
        14 => Json::from(rng.random_range(-2.0..2.0)),
        _ => Json::from(2u64.pow(53) + 1),
    }
}

/// Mutates one node of `v` (walking down a random path first).
fn mutate(v: &mut Json, rng: &mut FuzzRng) {
    if rng.random_bool(0.75) {
        match v {
            Json::Array(a) if !a.is_empty() => {
                let i = rng.random_range(0..a.len());
                return mutate(&mut a[i], rng);
            }
            Json::Object(o) if !o.is_empty() => {
                let i = rng.random_range(0..o.len());
                if let Some((_, child)) = o.iter_mut().nth(i) {
                    return mutate(child, rng);
                }
            }
            _ => {}
        }
    }
    match v {
        Json::Array(a) if rng.random_bool(0.5) => match rng.random_range(0..3) {
            0 => a.truncate(rng.random_range(0..=a.len())),
            1 if !a.is_empty() => {
                let extra = a[rng.random_range(0..a.len())].clone();
                let n = rng.random_range(1..300);
                a.extend(std::iter::repeat_n(extra, n));
            }
            _ => a.clear(),
        },
        Json::Object(o) if rng.random_bool(0.5) && !o.is_empty() => {
            let i = rng.random_range(0..o.len());
            let k = o.keys().nth(i).cloned().unwrap_or_default();
            if rng.random_bool(0.7) {
                o.remove(&k);
            } else {
                o.insert(random_junk(rng), hostile_json(rng));
            }
        }
        // Mostly the same JSON type (so the message still decodes and reaches the drawing).
        Json::Number(n) if rng.random_bool(0.7) => {
            *v = if n.is_u64() {
                Json::from(*pick(rng, &[0, 1, u64::MAX, u64::MAX / 2, 1 << 53, 255, 256, 100_000, 1_000_000_000]))
            } else {
                Json::from(*pick(rng, &[0.0, -0.0, 1e308, -1e308, 5e-324, -1.0, 2.0, 1e9, f64::NAN, -1e-300]))
            }
        }
        Json::String(_) if rng.random_bool(0.7) => *v = Json::from(random_junk(rng)),
        Json::Bool(b) if rng.random_bool(0.7) => *b = !*b,
        _ => *v = hostile_json(rng),
    }
}

/// `json` with one text-level mutation: cut, a character inserted, or bytes flipped.
fn mangle_text(rng: &mut FuzzRng, json: &str) -> String {
    let boundaries: Vec<usize> = json.char_indices().map(|(i, _)| i).chain([json.len()]).collect();
    let at = *pick(rng, &boundaries);
    match rng.random_range(0..3) {
        0 => json[..at].to_string(),
        1 => format!("{}{}{}", &json[..at], random_char(rng), &json[at..]),
        _ => {
            let mut bytes = json.as_bytes().to_vec();
            for _ in 0..rng.random_range(1..4) {
                if !bytes.is_empty() {
                    let i = rng.random_range(0..bytes.len());
                    bytes[i] ^= 1 << rng.random_range(0..8);
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// One worker message.
#[derive(Clone, Debug)]
pub enum Message {
    /// worker → page, a `FromWorker` built from a state.
    State(String),
    /// worker → page, a `FromWorker` built from a grid.
    Grid(String),
    /// worker → page, a `FromWorker` built from a cell's outcome.
    Cell(String),
    /// page → worker, a `ToWorker::Train` (its query as `Trainer::new` reads it).
    Train(String),
    /// page → worker, a `ToWorker::Cell` (its query as `cell_message` reads it).
    CellQuery(String),
    /// The data file a worker installs (`install_mnist`).
    DataFile(Vec<u8>),
}

impl Message {
    /// The input as text, for the examples of a tally.
    pub fn shown(&self) -> String {
        match self {
            Message::State(j) => format!("state {j}"),
            Message::Grid(j) => format!("grid {j}"),
            Message::Cell(j) => format!("cell {j}"),
            Message::Train(q) => format!("train {q}"),
            Message::CellQuery(q) => format!("cell query {q}"),
            Message::DataFile(b) => format!("data file of {} bytes {:02x?}", b.len(), &b[..b.len().min(32)]),
        }
    }
}

/// The vendored MNIST file, to corrupt (natively only: the wasm tests carry no data files).
#[cfg(not(target_arch = "wasm32"))]
fn data_file() -> &'static [u8] {
    include_bytes!("../../data/mnist/mnist10k.bin.gz")
}
#[cfg(target_arch = "wasm32")]
fn data_file() -> &'static [u8] {
    &[0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]
}

/// A random message: mostly a real one mutated, sometimes junk.
pub fn random_message(rng: &mut FuzzRng, base: &BaseMessages) -> Message {
    let mutated = |rng: &mut FuzzRng, v: &Json| {
        let mut v = v.clone();
        for _ in 0..rng.random_range(0..4) {
            mutate(&mut v, rng);
        }
        let text = v.to_string();
        if rng.random_bool(0.15) {
            mangle_text(rng, &text)
        } else {
            text
        }
    };
    match rng.random_range(0..100) {
        0..=29 => Message::State(mutated(rng, &base.state_json)),
        30..=44 => Message::Grid(mutated(rng, &base.grid_json)),
        45..=59 => {
            let cell = pick(rng, &base.cell_json).clone();
            Message::Cell(mutated(rng, &cell))
        }
        60..=84 => {
            // The page sends canonical queries; a hostile page (or a stale worker) sends anything.
            let link = random_link(rng);
            let query = match Scenario::parse_pairs(&split_query(&link), true) {
                Ok((s, _)) if rng.random_bool(0.6) => s.to_query(),
                _ => link,
            };
            // Sent whole, as the page does; sometimes the envelope itself is damaged.
            let (train, token) = (rng.random_bool(0.5), rng.random_range(0..4u32));
            let text = if train {
                ToWorker::Train { token, query, paused: rng.random_bool(0.5) }.to_json()
            } else {
                ToWorker::Cell { id: token, query }.to_json()
            };
            let text = if rng.random_bool(0.1) { mangle_text(rng, &text) } else { text };
            if train {
                Message::Train(text)
            } else {
                Message::CellQuery(text)
            }
        }
        85..=93 => {
            let junk =
                if rng.random_bool(0.5) { random_junk(rng) } else { format!("{{\"summary\":{}}}", random_number(rng)) };
            match rng.random_range(0..3) {
                0 => Message::State(junk),
                1 => Message::Grid(junk),
                _ => Message::Cell(junk),
            }
        }
        _ => {
            let file = data_file();
            let bytes = match rng.random_range(0..20) {
                // The real file, corrupted or cut (decompressing it costs ~30 ms: rarely).
                0 if cfg!(not(target_arch = "wasm32")) => {
                    let mut b = file.to_vec();
                    if rng.random_bool(0.5) {
                        b.truncate(rng.random_range(0..b.len()));
                    } else {
                        let i = rng.random_range(0..b.len());
                        b[i] ^= 1 << rng.random_range(0..8);
                    }
                    b
                }
                1..=9 => {
                    let mut b = file[..file.len().min(10)].to_vec();
                    b.extend((0..rng.random_range(0..512)).map(|_| rng.random::<u8>()));
                    b
                }
                _ => (0..rng.random_range(0..512)).map(|_| rng.random::<u8>()).collect(),
            };
            Message::DataFile(bytes)
        }
    }
}

/// An SVG panel drawn by `draw`; a drawing error is a refusal with a message.
fn drawn(draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), FigureError>) -> Result<(), String> {
    svg_string((480, 320), draw).map(|_| ()).map_err(|e| format!("{e:?}"))
}

/// Draws the digits panels of a snapshot as `src/web/digits.rs` does (`draw_panels`).
fn draw_snapshot(snap: &DigitsSnapshot, grid: &GridImages, epochs: u64) -> Result<(), String> {
    let (theme, s) = (Theme::LIGHT, &snap.summary);
    drawn(|a| figs::draw_accuracy(a, &figs::accuracy_series(s), epochs, &theme, 1.0).map(|_| ()))?;
    drawn(|a| figs::draw_train_loss(a, &figs::loss_series(s), epochs, &theme, 1.0).map(|_| ()))?;
    drawn(|a| figs::draw_saturation(a, &figs::saturation_panels(s), &theme, 1.0))?;
    let rows: Vec<PredictionRow> = s
        .algorithms
        .iter()
        .zip(&snap.predictions)
        .map(|(a, p)| PredictionRow {
            key: a.algorithm.clone(),
            label: track_label(&a.algorithm),
            predicted: p.clone(),
        })
        .collect();
    drawn(|a| figs::draw_predictions(a, grid, &rows, &theme, 1.0))
}

/// One message through its decoder and what the receiver does with it.
pub fn check_message(m: &Message, base: &BaseMessages, draw: bool) -> Result<Verdict, String> {
    let epochs = base.scenario.epochs;
    match m {
        Message::State(json) | Message::Grid(json) | Message::Cell(json) => match FromWorker::from_json(json) {
            Ok(FromWorker::State { snapshot, .. }) if draw => match draw_snapshot(&snapshot, &base.grid, epochs) {
                Ok(()) => Ok(Verdict::Accepted),
                Err(e) => refused(&e, "drawing a state"),
            },
            Ok(FromWorker::Grid { grid, .. }) if draw => match draw_snapshot(&base.snapshot, &grid, epochs) {
                Ok(()) => Ok(Verdict::Accepted),
                Err(e) => refused(&e, "drawing a grid"),
            },
            Ok(FromWorker::Cell { outcome: o, .. }) => {
                for metric in Metric::ALL {
                    let o = o.clone().with_metric(metric);
                    for a in AlgorithmKind::ALL {
                        let _ = (o.value(a), o.diverged(a));
                    }
                    let _ = (o.comparison(), o.tiki_taka_better());
                }
                Ok(Verdict::Accepted)
            }
            Ok(_) => Ok(Verdict::Accepted),
            Err(e) => refused(&e, "a message from a worker"),
        },
        Message::Train(text) | Message::CellQuery(text) => {
            let query = match ToWorker::from_json(text) {
                Ok(ToWorker::Train { query, .. } | ToWorker::Cell { query, .. }) => query,
                Ok(_) => return Ok(Verdict::Accepted),
                Err(e) => return refused(&e, "a message to a worker"),
            };
            check_query(m, &query)
        }
        Message::DataFile(bytes) => match analog_playground::sim::network::mnist::parse(bytes) {
            Ok(_) => Ok(Verdict::Accepted),
            Err(e) => refused(&e.to_string(), "a data file"),
        },
    }
}

/// A query the page sent a worker, parsed strictly as `src/web/trainer.rs` does.
fn check_query(m: &Message, query: &str) -> Result<Verdict, String> {
    match Scenario::parse(query) {
        Ok(s) if matches!(m, Message::Train(_)) && !s.problem.is_network() => Ok(Verdict::Refused),
        Ok(s) => round_trips(&s).map(|()| Verdict::Accepted),
        Err(e) => {
            // What the page sends (a canonical form) is never refused.
            let canonical = Scenario::parse_pairs(&split_query(query), true).is_ok_and(|(s, _)| s.to_query() == query);
            if canonical {
                Err(format!("a canonical query refused: {e}"))
            } else {
                refused(&e.to_string(), "a query")
            }
        }
    }
}

/// The kinds of message, in the order their tallies are reported.
pub const MESSAGE_KINDS: [&str; 6] = [
    "worker → page state (FromWorker JSON, snapshot drawn)",
    "worker → page grid (FromWorker JSON, grid drawn)",
    "worker → page cell (FromWorker JSON, outcome read)",
    "page → worker train (ToWorker JSON, query as Trainer::new)",
    "page → worker cell (ToWorker JSON, query as cell_message)",
    "page → worker data file (install_mnist)",
];

impl Message {
    /// Its index in [`MESSAGE_KINDS`].
    pub fn kind(&self) -> usize {
        match self {
            Message::State(_) => 0,
            Message::Grid(_) => 1,
            Message::Cell(_) => 2,
            Message::Train(_) => 3,
            Message::CellQuery(_) => 4,
            Message::DataFile(_) => 5,
        }
    }
}

/// Runs `n` random messages from `seed`, one tally per kind ([`MESSAGE_KINDS`]); every
/// `draw_every`-th decoded state or grid is drawn.
pub fn run_messages(n: u64, seed: u64, draw_every: u64, base: &BaseMessages, guard: Guard) -> Vec<Tally> {
    let mut rng = fuzz_rng(seed ^ 0x5eed);
    let mut tallies = vec![Tally::default(); MESSAGE_KINDS.len()];
    for i in 0..n {
        let m = random_message(&mut rng, base);
        let draw = draw_every > 0 && i % draw_every == 0;
        let result = guard(&mut || check_message(&m, base, draw));
        tallies[m.kind()].add(&m.shown(), result);
    }
    tallies
}

/// The sum of tallies.
pub fn total(tallies: &[Tally]) -> Tally {
    let mut t = Tally::default();
    for x in tallies {
        t.merge(x);
    }
    t
}
