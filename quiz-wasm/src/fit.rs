//! Fit-the-line maths for the "playground" widget: the learner watches
//! gradient descent fit `price = w × size + b` to a handful of houses.
//!
//! Loss is the mean squared error. Raw house data is badly conditioned (sizes
//! in the thousands, prices in the hundreds of thousands), so plain gradient
//! descent in original units would need a learning rate around 1e-7 and
//! thousands of steps. [`Fit`] therefore standardizes x and y (mean 0,
//! population standard deviation 1), descends in that scaled space, and
//! reports `w`, `b` and the loss in original units.
//!
//! In the scaled space the loss is a quadratic whose Hessian is exactly `2·I`
//! (because scaled x has mean 0 and variance 1), so:
//!
//! - every learning rate in `(0, 1)` decreases the loss monotonically; the
//!   error shrinks by `|1 − 2·lr|` per step (0.8 at the default 0.1, so a few
//!   dozen steps look converged and 200 steps reach least squares to ~1e-15);
//! - `lr = 0.5` lands on the optimum in one step, `lr = 1` oscillates forever;
//! - `lr > 1` (more than `2/λmax`) diverges, which [`Fit::diverged`] reports.

/// The learning rate the widget starts with.
pub const DEFAULT_LEARNING_RATE: f64 = 0.1;

/// Mean squared error of `w × x + b` against `y` over paired points; extra
/// values in the longer slice are ignored. 0 for no points.
pub fn mse(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len().min(ys.len());
    if n == 0 {
        return 0.0;
    }
    let sum: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (w * x + b - y).powi(2))
        .sum();
    sum / n as f64
}

/// Gradient of [`mse`] with respect to `(w, b)`, in original units.
/// `(0, 0)` for no points.
pub fn gradients(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let n = xs.len().min(ys.len());
    if n == 0 {
        return (0.0, 0.0);
    }
    let (mut dw, mut db) = (0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        let r = w * x + b - y;
        dw += r * x;
        db += r;
    }
    let k = 2.0 / n as f64;
    (k * dw, k * db)
}

/// The closed-form least-squares line `(w, b)`. `None` when there are no
/// points, all x are equal (any slope fits as well), or the result is not
/// finite.
pub fn least_squares(xs: &[f64], ys: &[f64]) -> Option<(f64, f64)> {
    let n = xs.len().min(ys.len());
    if n == 0 {
        return None;
    }
    let (xs, ys) = (&xs[..n], &ys[..n]);
    let mx = mean(xs);
    let my = mean(ys);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
    }
    if sxx == 0.0 {
        return None;
    }
    let w = sxy / sxx;
    let b = my - w * mx;
    (w.is_finite() && b.is_finite()).then_some((w, b))
}

/// Eight plausible houses (size in sq ft, price) scattered around
/// `price ≈ 200 × size + 50,000`, with fixed noise so every build and every
/// browser shows the same picture.
pub fn default_houses() -> Vec<(f64, f64)> {
    vec![
        (850.0, 225_000.0),
        (1100.0, 262_000.0),
        (1400.0, 338_000.0),
        (1600.0, 365_000.0),
        (1850.0, 428_000.0),
        (2100.0, 462_000.0),
        (2400.0, 536_000.0),
        (2800.0, 604_000.0),
    ]
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Mean and population standard deviation; a zero (or non-finite) spread is
/// replaced by 1 so scaling degrades to "centre only" instead of dividing by 0.
fn centre_and_scale(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 1.0);
    }
    let m = mean(v);
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64;
    let s = var.sqrt();
    (m, if s > 0.0 && s.is_finite() { s } else { 1.0 })
}

/// Growth that counts as a rising loss; well above rounding noise, so a
/// learning rate of exactly 1 (pure oscillation) is not called divergent.
const RISE: f64 = 1e-9;
/// Consecutive rising steps that mean "diverging".
const RISES_TO_DIVERGE: u32 = 3;

/// Gradient descent on `price = w × size + b`, in standardized units.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Standardized data.
    xs: Vec<f64>,
    ys: Vec<f64>,
    mx: f64,
    sx: f64,
    my: f64,
    sy: f64,
    /// Current slope and intercept in scaled space.
    a: f64,
    c: f64,
    /// Starting point, for reset().
    a0: f64,
    c0: f64,
    loss: f64,
    rises: u32,
    diverged: bool,
    iterations: u32,
}

impl Fit {
    /// Start at `(w, b)` (original units) on the points `(xs[i], ys[i])`.
    /// Points with a non-finite coordinate are dropped, and extra values in
    /// the longer slice are ignored.
    pub fn new(xs: &[f64], ys: &[f64], w: f64, b: f64) -> Fit {
        let (raw_x, raw_y): (Vec<f64>, Vec<f64>) = xs
            .iter()
            .zip(ys)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| (*x, *y))
            .unzip();
        let (mx, sx) = centre_and_scale(&raw_x);
        let (my, sy) = centre_and_scale(&raw_y);
        let xs: Vec<f64> = raw_x.iter().map(|x| (x - mx) / sx).collect();
        let ys: Vec<f64> = raw_y.iter().map(|y| (y - my) / sy).collect();
        // y = my + sy·(a·(x − mx)/sx + c)  ⇔  w = sy·a/sx, b = my + sy·c − w·mx
        let a0 = w * sx / sy;
        let c0 = (w * mx + b - my) / sy;
        let mut fit = Fit {
            xs,
            ys,
            mx,
            sx,
            my,
            sy,
            a: a0,
            c: c0,
            a0,
            c0,
            loss: 0.0,
            rises: 0,
            diverged: false,
            iterations: 0,
        };
        fit.reset();
        fit
    }

    fn scaled_loss(&self, a: f64, c: f64) -> f64 {
        mse(a, c, &self.xs, &self.ys)
    }

    /// One gradient-descent step with learning rate `lr` (in scaled units;
    /// safe below 1). A step that would make anything non-finite is refused
    /// and marks the fit as diverged.
    pub fn step(&mut self, lr: f64) {
        let (ga, gc) = gradients(self.a, self.c, &self.xs, &self.ys);
        let a = self.a - lr * ga;
        let c = self.c - lr * gc;
        let loss = self.scaled_loss(a, c);
        // Check everything the learner will see, in original units too:
        // a scaled loss can be finite while loss × sy² overflows.
        let shown = [
            a,
            c,
            loss * self.sy * self.sy,
            self.w_of(a),
            self.b_of(a, c),
        ];
        if !shown.iter().all(|v| v.is_finite()) {
            self.diverged = true;
            return;
        }
        if loss > self.loss * (1.0 + RISE) + f64::MIN_POSITIVE {
            self.rises += 1;
            if self.rises >= RISES_TO_DIVERGE {
                self.diverged = true;
            }
        } else {
            self.rises = 0;
        }
        self.a = a;
        self.c = c;
        self.loss = loss;
        self.iterations += 1;
    }

    /// `n` steps of [`Fit::step`].
    pub fn steps(&mut self, n: u32, lr: f64) {
        for _ in 0..n {
            self.step(lr);
        }
    }

    /// Mean squared error in original units (price²).
    pub fn loss(&self) -> f64 {
        self.loss * self.sy * self.sy
    }

    fn w_of(&self, a: f64) -> f64 {
        self.sy * a / self.sx
    }

    fn b_of(&self, a: f64, c: f64) -> f64 {
        self.my + self.sy * c - self.w_of(a) * self.mx
    }

    /// Current slope, in price per sq ft.
    pub fn w(&self) -> f64 {
        self.w_of(self.a)
    }

    /// Current intercept, in price.
    pub fn b(&self) -> f64 {
        self.b_of(self.a, self.c)
    }

    /// Steps taken since the start or the last reset (refused steps do not
    /// count).
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Back to the starting `(w, b)`, clearing divergence.
    pub fn reset(&mut self) {
        self.a = self.a0;
        self.c = self.c0;
        self.loss = self.scaled_loss(self.a, self.c);
        self.rises = 0;
        self.iterations = 0;
        // A start so wild its loss is already infinite cannot descend.
        self.diverged = !(self.loss.is_finite() && self.a.is_finite() && self.c.is_finite());
    }

    /// True once the fit has blown up: a step produced a non-finite value, or
    /// the loss rose on several consecutive steps (which never happens for a
    /// learning rate below 1). Stays true until [`Fit::reset`].
    pub fn diverged(&self) -> bool {
        self.diverged
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn houses() -> (Vec<f64>, Vec<f64>) {
        default_houses().into_iter().unzip()
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    #[test]
    fn default_houses_follow_the_rule() {
        let h = default_houses();
        assert_eq!(h.len(), 8);
        for (size, price) in &h {
            let rule = 200.0 * size + 50_000.0;
            assert!((price - rule).abs() <= 10_000.0, "{size}: {price}");
        }
        let (xs, ys) = houses();
        let (w, b) = least_squares(&xs, &ys).unwrap();
        assert!(
            (w - 200.0).abs() < 10.0 && (b - 50_000.0).abs() < 20_000.0,
            "{w} {b}"
        );
    }

    #[test]
    fn mse_and_gradients_by_hand() {
        let xs = [1.0, 2.0, 3.0];
        let ys = [2.0, 4.0, 7.0];
        // residuals of y = 2x: 0, 0, -1
        assert!((mse(2.0, 0.0, &xs, &ys) - 1.0 / 3.0).abs() < 1e-15);
        let (dw, db) = gradients(2.0, 0.0, &xs, &ys);
        assert!((dw - 2.0 / 3.0 * -3.0).abs() < 1e-15);
        assert!((db + 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(mse(1.0, 1.0, &[], &[]), 0.0);
        assert_eq!(gradients(1.0, 1.0, &[1.0], &[]), (0.0, 0.0));
        // Numerical check of the gradient.
        let h = 1e-6;
        let num_dw = (mse(2.0 + h, 0.5, &xs, &ys) - mse(2.0 - h, 0.5, &xs, &ys)) / (2.0 * h);
        assert!((num_dw - gradients(2.0, 0.5, &xs, &ys).0).abs() < 1e-6);
    }

    #[test]
    fn least_squares_edges() {
        assert_eq!(least_squares(&[], &[]), None);
        assert_eq!(least_squares(&[3.0, 3.0], &[1.0, 2.0]), None);
        let (w, b) = least_squares(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]).unwrap();
        assert!((w - 2.0).abs() < 1e-12 && (b - 1.0).abs() < 1e-12);
    }

    #[test]
    fn starts_where_asked_and_reports_original_units() {
        let (xs, ys) = houses();
        let fit = Fit::new(&xs, &ys, 200.0, 50_000.0);
        assert!(rel(fit.w(), 200.0) < 1e-12);
        assert!(rel(fit.b(), 50_000.0) < 1e-12);
        assert!(rel(fit.loss(), mse(200.0, 50_000.0, &xs, &ys)) < 1e-9);
        assert!(!fit.diverged());
    }

    #[test]
    fn loss_never_increases_for_safe_rates() {
        let (xs, ys) = houses();
        for lr in [0.01, 0.1, 0.3, 0.5, 0.9, 0.99] {
            let mut fit = Fit::new(&xs, &ys, 0.0, 0.0);
            let mut last = fit.loss();
            for _ in 0..300 {
                fit.step(lr);
                assert!(
                    fit.loss() <= last * (1.0 + 1e-12),
                    "lr {lr}: {} > {last}",
                    fit.loss()
                );
                last = fit.loss();
            }
            assert!(!fit.diverged(), "lr {lr}");
        }
    }

    #[test]
    fn converges_to_least_squares() {
        let (xs, ys) = houses();
        let (lw, lb) = least_squares(&xs, &ys).unwrap();
        let mut fit = Fit::new(&xs, &ys, 0.0, 0.0);
        // "A few dozen steps" at the default rate already look done.
        fit.steps(40, DEFAULT_LEARNING_RATE);
        assert!(rel(fit.w(), lw) < 1e-2, "{} vs {lw}", fit.w());
        fit.steps(160, DEFAULT_LEARNING_RATE);
        assert_eq!(fit.iterations(), 200);
        assert!(rel(fit.w(), lw) < 1e-6, "{} vs {lw}", fit.w());
        assert!(rel(fit.b(), lb) < 1e-6, "{} vs {lb}", fit.b());
        assert!(rel(fit.loss(), mse(lw, lb, &xs, &ys)) < 1e-6);
        assert!(!fit.diverged());
    }

    #[test]
    fn half_rate_lands_in_one_step() {
        let (xs, ys) = houses();
        let (lw, lb) = least_squares(&xs, &ys).unwrap();
        let mut fit = Fit::new(&xs, &ys, 123.0, -4.0);
        fit.step(0.5);
        assert!(rel(fit.w(), lw) < 1e-9 && rel(fit.b(), lb) < 1e-9);
    }

    #[test]
    fn rate_one_oscillates_without_diverging() {
        let (xs, ys) = houses();
        let mut fit = Fit::new(&xs, &ys, 0.0, 0.0);
        fit.steps(100, 1.0);
        assert!(!fit.diverged());
    }

    #[test]
    fn divergence_is_detected_and_finite() {
        let (xs, ys) = houses();
        for lr in [1.05, 1.5, 3.0, 100.0, 1e300, -0.5, f64::INFINITY, f64::NAN] {
            let mut fit = Fit::new(&xs, &ys, 0.0, 0.0);
            fit.steps(2000, lr);
            assert!(fit.diverged(), "lr {lr}");
            assert!(
                fit.w().is_finite() && fit.b().is_finite() && fit.loss().is_finite(),
                "lr {lr}"
            );
            fit.reset();
            assert!(!fit.diverged());
            assert_eq!(fit.iterations(), 0);
            assert!(fit.w() == 0.0 && fit.b().abs() < 1e-6);
        }
        // Detected quickly, not after thousands of steps.
        let mut fit = Fit::new(&xs, &ys, 0.0, 0.0);
        fit.steps(5, 1.5);
        assert!(fit.diverged());
    }

    #[test]
    fn degenerate_data_does_not_panic() {
        let mut empty = Fit::new(&[], &[], 1.0, 2.0);
        empty.steps(10, 0.1);
        assert_eq!((empty.w(), empty.b(), empty.loss()), (1.0, 2.0, 0.0));
        assert!(!empty.diverged());

        // All x equal: the slope is undetermined, the intercept still fits.
        let mut flat = Fit::new(&[5.0, 5.0, 5.0], &[1.0, 2.0, 3.0], 0.0, 0.0);
        flat.steps(200, 0.1);
        assert!(!flat.diverged());
        assert!((flat.w() * 5.0 + flat.b() - 2.0).abs() < 1e-9);

        // Non-finite points are dropped; mismatched lengths truncate.
        let fit = Fit::new(&[1.0, f64::NAN, 2.0, 3.0], &[1.0, 1.0, 2.0], 1.0, 0.0);
        assert_eq!(fit.loss(), 0.0);

        // A single point.
        let mut one = Fit::new(&[1000.0], &[250_000.0], 0.0, 0.0);
        one.steps(200, 0.1);
        assert!((one.w() * 1000.0 + one.b() - 250_000.0).abs() < 1e-6);
    }
}
