//! Vectorised evaluation of row expressions. A filter's Rhai syntax tree is
//! translated once into a plan of Arrow compute kernels. The plan gives
//! exactly the answers per-row Rhai gives (missing values included); where
//! it cannot be sure for a batch (an overflow, a missing value in `&&`) it says so and the caller falls back to per-row Rhai for that batch.
//! Constructs the plan does not know make `build` return `None`.

mod sql;

pub(crate) use sql::SqlWriter;

use super::column_type::ColumnType;
use super::function::{self, Function};
use super::value::{broadcast, Eval, Fallback, Lit, Ty, Val};
use crate::calendar::Calendar;
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, BooleanArray, Float64Array, RecordBatch};
use arrow_schema::DataType;
use rhai::{Expr, AST};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A node of a vectorised plan, with its static type.
#[derive(Debug, Clone)]
enum Node {
    Column(String, Ty),
    Lit(Lit),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>, Ty),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    In(Box<Node>, Vec<Lit>),
    /// A call to one of `expr::function`'s functions, with its type.
    Call(Call),
}

#[derive(Debug, Clone)]
struct Call {
    function: &'static dyn Function,
    args: Vec<Node>,
    ty: Ty,
    calendar: Arc<Calendar>,
}

impl Node {
    fn ty(&self) -> Ty {
        match self {
            Node::Column(_, t) => *t,
            Node::Lit(l) => l.ty(),
            Node::Cmp(..) | Node::Not(_) | Node::And(_) | Node::Or(_) | Node::In(..) => Ty::Bool,
            Node::Arith(.., t) => *t,
            Node::Call(call) => call.ty,
        }
    }
}

/// A compiled vectorised plan for a boolean row expression.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    root: Node,
}

impl Plan {
    /// Translates a compiled expression; `None` when it uses anything the
    /// plan does not cover (those expressions always run per row).
    pub(crate) fn build(
        ast: &AST,
        columns: &HashMap<String, ColumnType>,
        cal: &Arc<Calendar>,
    ) -> Option<Plan> {
        let (last, lets) = ast.statements().split_last()?;
        let b = Build {
            columns,
            cal,
            locals: RefCell::new(HashMap::new()),
        };
        // `let name = ...;` lines name a value: each use of the name is its
        // node. One never used is left to Rhai, which still works it out
        // (and may stop on it).
        for stmt in lets {
            let rhai::Stmt::Var(var, _, _) = stmt else {
                return None;
            };
            let node = build_node(&var.1, &b)?;
            let name = var.0.name.to_string();
            if let Some((_, used)) = b.locals.borrow().get(&name) {
                used.get().then_some(())?;
            }
            b.locals.borrow_mut().insert(name, (node, Cell::new(false)));
        }
        let root = match last {
            rhai::Stmt::Expr(expr) => build_node(expr, &b)?,
            // Rhai hoists a call at the top of an expression into a statement.
            rhai::Stmt::FnCall(call, _) => build_call(call, &b)?,
            _ => return None,
        };
        b.locals
            .borrow()
            .values()
            .all(|(_, used)| used.get())
            .then_some(())?;
        (root.ty() == Ty::Bool).then_some(Plan { root })
    }

    /// Evaluates the plan over a batch of normalised columns.
    pub(crate) fn evaluate(&self, batch: &RecordBatch) -> Eval<BooleanArray> {
        let rows = batch.num_rows();
        match eval(&self.root, batch)? {
            Val::Scalar(Lit::Bool(b)) => Ok(BooleanArray::from(vec![b; rows])),
            Val::Array(a) => {
                let a = a.as_boolean_opt().ok_or(Fallback)?;
                if a.null_count() > 0 {
                    return Err(Fallback);
                }
                Ok(a.clone())
            }
            Val::Scalar(_) => Err(Fallback),
        }
    }
}

/// What a plan is built from: the columns' types, the calendar, and the
/// values named with `let` so far (and whether each has been used).
struct Build<'a> {
    columns: &'a HashMap<String, ColumnType>,
    cal: &'a Arc<Calendar>,
    locals: RefCell<HashMap<String, (Node, Cell<bool>)>>,
}

fn build_node(expr: &Expr, b: &Build) -> Option<Node> {
    Some(match expr {
        Expr::BoolConstant(b, _) => Node::Lit(Lit::Bool(*b)),
        Expr::IntegerConstant(i, _) => Node::Lit(Lit::Int(*i)),
        Expr::FloatConstant(f, _) => Node::Lit(Lit::Float(**f)),
        Expr::StringConstant(s, _) => Node::Lit(Lit::Str(s.to_string())),
        Expr::Unit(_) => Node::Lit(Lit::Unit),
        Expr::DynamicConstant(d, _) => Node::Lit(Lit::from_dynamic(d)?),
        Expr::Variable(v, _, _) => {
            let name = v.1.as_str();
            if let Some((node, used)) = b.locals.borrow().get(name) {
                used.set(true);
                return Some(node.clone());
            }
            Node::Column(name.to_string(), Ty::of_column(*b.columns.get(name)?))
        }
        Expr::And(items, _) | Expr::Or(items, _) => {
            let nodes = items
                .iter()
                .map(|e| build_node(e, b).filter(|n| n.ty() == Ty::Bool))
                .collect::<Option<Vec<_>>>()?;
            if matches!(expr, Expr::And(..)) {
                Node::And(nodes)
            } else {
                Node::Or(nodes)
            }
        }
        Expr::FnCall(call, _) => build_call(call, b)?,
        _ => return None,
    })
}

fn build_call(call: &rhai::FnCallExpr, b: &Build) -> Option<Node> {
    let cal = b.cal;
    let args = &call.args;
    let arg = |i: usize| build_node(&args[i], b);
    Some(match (call.name.as_str(), args.len()) {
        (op @ ("==" | "!=" | "<" | "<=" | ">" | ">="), 2) => {
            let op = match op {
                "==" => CmpOp::Eq,
                "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            Node::Cmp(op, Box::new(arg(0)?), Box::new(arg(1)?))
        }
        (op @ ("+" | "-" | "*" | "/"), 2) => {
            let (a, b) = (arg(0)?, arg(1)?);
            let ty = match (a.ty(), b.ty()) {
                (Ty::Unit, t) | (t, Ty::Unit) if t.numeric() || t == Ty::Unit => Ty::Unit,
                (Ty::Int, Ty::Int) => Ty::Int,
                (x, y) if x.numeric() && y.numeric() => Ty::Float,
                _ => return None,
            };
            let op = match op {
                "+" => ArithOp::Add,
                "-" => ArithOp::Sub,
                "*" => ArithOp::Mul,
                _ => ArithOp::Div,
            };
            Node::Arith(op, Box::new(a), Box::new(b), ty)
        }
        ("!", 1) => Node::Not(Box::new(arg(0).filter(|n| n.ty() == Ty::Bool)?)),
        ("contains", 2) => {
            let items = match &args[0] {
                Expr::Array(items, _) => items
                    .iter()
                    .map(|e| match build_node(e, b)? {
                        Node::Lit(l) => Some(l),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?,
                Expr::DynamicConstant(d, _) if d.is_array() => d
                    .clone()
                    .into_array()
                    .ok()?
                    .iter()
                    .map(Lit::from_dynamic)
                    .collect::<Option<Vec<_>>>()?,
                _ => return None,
            };
            Node::In(Box::new(arg(1)?), items)
        }
        (name, _) => {
            let function = function::find(name)?;
            let args = args
                .iter()
                .map(|a| build_node(a, b))
                .collect::<Option<Vec<_>>>()?;
            let types: Vec<Ty> = args.iter().map(Node::ty).collect();
            let ty = function.typed(&types)?;
            // A call on constants that gives a constant (a written date) is
            // that constant; one it cannot compute is left to Rhai.
            let constants: Option<Vec<Val>> = args
                .iter()
                .map(|a| match a {
                    Node::Lit(l) => Some(Val::Scalar(l.clone())),
                    _ => None,
                })
                .collect();
            if let Some(values) = constants.filter(|_| ty != Ty::Unit) {
                match function.eval(values, 1, cal) {
                    Ok(Val::Scalar(l)) => return Some(Node::Lit(l)),
                    Ok(Val::Array(_)) => {}
                    Err(_) => return None,
                }
            }
            Node::Call(Call {
                function,
                args,
                ty,
                calendar: Arc::clone(cal),
            })
        }
    })
}

fn eval(node: &Node, batch: &RecordBatch) -> Eval<Val> {
    let rows = batch.num_rows();
    Ok(match node {
        Node::Column(name, _) => {
            Val::Array(Arc::clone(batch.column_by_name(name).ok_or(Fallback)?))
        }
        Node::Lit(l) => Val::Scalar(l.clone()),
        Node::Cmp(op, a, b) => compare(*op, eval(a, batch)?, a.ty(), eval(b, batch)?, b.ty())?,
        Node::Arith(op, a, b, ty) => arith(*op, eval(a, batch)?, eval(b, batch)?, *ty)?,
        Node::Not(a) => {
            let a = bool_array(eval(a, batch)?, rows)?;
            Val::Array(Arc::new(
                arrow_arith::boolean::not(&a).map_err(|_| Fallback)?,
            ))
        }
        Node::And(items) | Node::Or(items) => {
            let is_and = matches!(node, Node::And(_));
            let mut acc: Option<BooleanArray> = None;
            for item in items {
                let next = bool_array(eval(item, batch)?, rows)?;
                acc = Some(match acc {
                    None => next,
                    Some(prev) if is_and => {
                        arrow_arith::boolean::and(&prev, &next).map_err(|_| Fallback)?
                    }
                    Some(prev) => arrow_arith::boolean::or(&prev, &next).map_err(|_| Fallback)?,
                });
            }
            Val::Array(Arc::new(
                acc.unwrap_or_else(|| BooleanArray::from(vec![is_and; rows])),
            ))
        }
        Node::In(needle, items) => {
            let needle_val = eval(needle, batch)?;
            let mut acc = BooleanArray::from(vec![false; rows]);
            for item in items {
                let hit = compare(
                    CmpOp::Eq,
                    clone_val(&needle_val),
                    needle.ty(),
                    Val::Scalar(item.clone()),
                    item.ty(),
                )?;
                let hit = bool_array(hit, rows)?;
                acc = arrow_arith::boolean::or(&acc, &hit).map_err(|_| Fallback)?;
            }
            Val::Array(Arc::new(acc))
        }
        Node::Call(call) => {
            let args = call
                .args
                .iter()
                .map(|a| eval(a, batch))
                .collect::<Eval<Vec<_>>>()?;
            call.function.eval(args, rows, &call.calendar)?
        }
    })
}

fn clone_val(v: &Val) -> Val {
    match v {
        Val::Array(a) => Val::Array(Arc::clone(a)),
        Val::Scalar(l) => Val::Scalar(l.clone()),
    }
}

fn bool_array(v: Val, rows: usize) -> Eval<BooleanArray> {
    let arr = broadcast(v, rows).ok_or(Fallback)?;
    let b = arr.as_boolean_opt().ok_or(Fallback)?.clone();
    // Rhai raises an error on a missing value in `!`, `&&` or `||`: let it.
    if b.null_count() > 0 {
        return Err(Fallback);
    }
    Ok(b)
}

fn const_bool(b: bool) -> Val {
    Val::Scalar(Lit::Bool(b))
}

/// Comparison with Rhai's rules: values of different kinds are never equal
/// (so `!=` is true and ordering is false), `()` equals only `()`.
fn compare(op: CmpOp, a: Val, at: Ty, b: Val, bt: Ty) -> Eval<Val> {
    let comparable = at == bt || (at.numeric() && bt.numeric());
    if at == Ty::Unit || bt == Ty::Unit {
        if at == Ty::Unit && bt == Ty::Unit {
            return Ok(const_bool(op == CmpOp::Eq));
        }
        let other = if at == Ty::Unit { b } else { a };
        return Ok(match (op, other) {
            (CmpOp::Eq | CmpOp::Ne, Val::Array(arr)) => {
                let nulls = if op == CmpOp::Eq {
                    arrow_arith::boolean::is_null(&arr)
                } else {
                    arrow_arith::boolean::is_not_null(&arr)
                };
                Val::Array(Arc::new(nulls.map_err(|_| Fallback)?))
            }
            (CmpOp::Ne, Val::Scalar(_)) => const_bool(true),
            _ => const_bool(false),
        });
    }
    if !comparable {
        // Different kinds are never equal, but a missing value is `()`
        // whatever its column's kind, and `()` equals `()`.
        let both_missing = match (&a, &b) {
            (Val::Array(x), Val::Array(y)) => {
                let x = arrow_arith::boolean::is_null(x).map_err(|_| Fallback)?;
                let y = arrow_arith::boolean::is_null(y).map_err(|_| Fallback)?;
                arrow_arith::boolean::and(&x, &y).map_err(|_| Fallback)?
            }
            _ => return Ok(const_bool(op == CmpOp::Ne)),
        };
        return Ok(Val::Array(Arc::new(match op {
            CmpOp::Eq => both_missing,
            CmpOp::Ne => arrow_arith::boolean::not(&both_missing).map_err(|_| Fallback)?,
            _ => BooleanArray::from(vec![false; both_missing.len()]),
        })));
    }
    let (a, b) = if at != bt {
        (to_float(a)?, to_float(b)?)
    } else {
        (a, b)
    };
    let (a, b) = match (&a, &b) {
        // Kernels compare dictionaries with a constant, but not with another array.
        (Val::Array(_), Val::Array(_)) => (plain_strings(a)?, plain_strings(b)?),
        _ => (a, b),
    };
    if is_float(&a) || is_float(&b) {
        return float_compare(op, &a, &b);
    }
    let (da, db) = (a.datum().ok_or(Fallback)?, b.datum().ok_or(Fallback)?);
    let (da, db) = (da.as_ref(), db.as_ref());
    let result = match op {
        CmpOp::Eq => arrow_ord::cmp::not_distinct(da, db),
        CmpOp::Ne => arrow_ord::cmp::distinct(da, db),
        CmpOp::Lt => arrow_ord::cmp::lt(da, db),
        CmpOp::Le => arrow_ord::cmp::lt_eq(da, db),
        CmpOp::Gt => arrow_ord::cmp::gt(da, db),
        CmpOp::Ge => arrow_ord::cmp::gt_eq(da, db),
    }
    .map_err(|_| Fallback)?;
    let result = if result.null_count() > 0 {
        // An ordering with a missing value is false, as in Rhai.
        let valid = result.nulls().map(|n| n.inner().clone());
        let values = result.values().clone();
        let values = match valid {
            Some(v) => &values & &v,
            None => values,
        };
        BooleanArray::new(values, None)
    } else {
        result
    };
    if matches!((&a, &b), (Val::Scalar(_), Val::Scalar(_))) {
        return Ok(const_bool(result.value(0)));
    }
    Ok(Val::Array(Arc::new(result)))
}

fn to_float(v: Val) -> Eval<Val> {
    Ok(match v {
        Val::Scalar(Lit::Int(i)) => Val::Scalar(Lit::Float(i as f64)),
        Val::Array(a) if a.data_type() == &DataType::Int64 => {
            Val::Array(arrow_cast::cast(&a, &DataType::Float64).map_err(|_| Fallback)?)
        }
        other => other,
    })
}

fn plain_strings(v: Val) -> Eval<Val> {
    Ok(match v {
        Val::Array(a) if matches!(a.data_type(), DataType::Dictionary(..)) => {
            Val::Array(arrow_cast::cast(&a, &DataType::Utf8).map_err(|_| Fallback)?)
        }
        other => other,
    })
}

fn is_float(v: &Val) -> bool {
    match v {
        Val::Scalar(l) => l.ty() == Ty::Float,
        Val::Array(a) => a.data_type() == &DataType::Float64,
    }
}

/// Rhai compares floats with a relative tolerance (so `0.1 + 0.2 == 0.3`);
/// this is the same formula, element by element, so both paths agree.
fn rhai_float_cmp(op: CmpOp, x: f64, y: f64) -> bool {
    let max = if x * y == 0.0 {
        1.0
    } else {
        x.abs().max(y.abs())
    };
    let eps = f64::EPSILON;
    if max == 0.0 {
        return matches!(op, CmpOp::Eq | CmpOp::Ge | CmpOp::Le);
    }
    match op {
        CmpOp::Eq => (x - y).abs() / max <= eps,
        CmpOp::Ne => (x - y).abs() / max > eps,
        CmpOp::Gt => (x - y) / max > eps,
        CmpOp::Ge => (x - y) / max > -eps,
        CmpOp::Lt => (y - x) / max > eps,
        CmpOp::Le => (y - x) / max > -eps,
    }
}

fn float_compare(op: CmpOp, a: &Val, b: &Val) -> Eval<Val> {
    let get = |v: &Val| -> Eval<(Option<Float64Array>, Option<f64>)> {
        Ok(match v {
            Val::Scalar(Lit::Float(f)) => (None, Some(*f)),
            Val::Array(arr) => (
                Some(
                    arr.as_primitive_opt::<Float64Type>()
                        .ok_or(Fallback)?
                        .clone(),
                ),
                None,
            ),
            _ => return Err(Fallback),
        })
    };
    let (xa, xs) = get(a)?;
    let (ya, ys) = get(b)?;
    let rows = xa.as_ref().or(ya.as_ref()).map_or(1, |a| a.len());
    let at = |arr: &Option<Float64Array>, s: Option<f64>, i: usize| match arr {
        Some(a) if a.is_null(i) => None,
        Some(a) => Some(a.value(i)),
        None => s,
    };
    let out: BooleanArray = (0..rows)
        .map(|i| {
            Some(match (at(&xa, xs, i), at(&ya, ys, i)) {
                (Some(x), Some(y)) => rhai_float_cmp(op, x, y),
                // A missing value equals only another missing value.
                (None, None) => op == CmpOp::Eq,
                _ => op == CmpOp::Ne,
            })
        })
        .collect();
    if xa.is_none() && ya.is_none() {
        return Ok(const_bool(out.value(0)));
    }
    Ok(Val::Array(Arc::new(out)))
}

fn arith(op: ArithOp, a: Val, b: Val, ty: Ty) -> Eval<Val> {
    if ty == Ty::Unit {
        return Ok(Val::Scalar(Lit::Unit));
    }
    let (a, b) = if ty == Ty::Float {
        (to_float(a)?, to_float(b)?)
    } else {
        (a, b)
    };
    let (da, db) = (a.datum().ok_or(Fallback)?, b.datum().ok_or(Fallback)?);
    let (da, db) = (da.as_ref(), db.as_ref());
    // Checked kernels: an overflow or integer division by zero errors, as in Rhai.
    let out = match op {
        ArithOp::Add => arrow_arith::numeric::add(da, db),
        ArithOp::Sub => arrow_arith::numeric::sub(da, db),
        ArithOp::Mul => arrow_arith::numeric::mul(da, db),
        ArithOp::Div => arrow_arith::numeric::div(da, db),
    }
    .map_err(|_| Fallback)?;
    if matches!((&a, &b), (Val::Scalar(_), Val::Scalar(_))) {
        return Ok(match ty {
            Ty::Int => Val::Scalar(Lit::Int(
                out.as_primitive::<arrow_array::types::Int64Type>().value(0),
            )),
            _ => Val::Scalar(Lit::Float(out.as_primitive::<Float64Type>().value(0))),
        });
    }
    Ok(Val::Array(out))
}
