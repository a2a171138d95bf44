//! Parameters of catalog queries: declared in each query's header, typed, validated, and
//! bound as DataFusion placeholders (`$n`), never pasted into the SQL text.

use std::collections::HashMap;

use datafusion::common::{ParamValues, ScalarValue};

use crate::error::user_error;

/// The type of a parameter and what it accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    /// An integer within bounds.
    Int {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// One of a fixed set of words.
    Enum(Vec<String>),
}

/// One declared parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDef {
    /// Name, used as `$name` in the SQL and `--param name=value` on the command line.
    pub name: String,
    /// Its type.
    pub ty: ParamType,
    /// Default value, as text.
    pub default: String,
    /// What it means.
    pub doc: String,
}

impl ParamDef {
    /// Parses a header line `name int DEFAULT MIN..MAX doc…` or `name enum DEFAULT a|b|c doc…`.
    pub fn parse(spec: &str) -> Option<ParamDef> {
        let mut words = spec.split_whitespace();
        let name = words.next()?.to_string();
        let kind = words.next()?;
        let default = words.next()?.to_string();
        let range = words.next()?;
        let doc = words.collect::<Vec<_>>().join(" ");
        let ty = match kind {
            "int" => {
                let (lo, hi) = range.split_once("..")?;
                ParamType::Int {
                    min: lo.parse().ok()?,
                    max: hi.parse().ok()?,
                }
            }
            "enum" => ParamType::Enum(range.split('|').map(str::to_string).collect()),
            _ => return None,
        };
        Some(ParamDef {
            name,
            ty,
            default,
            doc,
        })
    }

    /// A readable description of what the parameter accepts.
    pub fn accepts(&self) -> String {
        match &self.ty {
            ParamType::Int { min, max } => format!("integer {min}..{max}"),
            ParamType::Enum(values) => values.join("|"),
        }
    }

    /// Checks a value and turns it into a typed scalar.
    pub fn value(&self, text: &str) -> anyhow::Result<ScalarValue> {
        match &self.ty {
            ParamType::Int { min, max } => {
                let v: i64 = text.trim().parse().map_err(|_| {
                    user_error(format!(
                        "parameter {}: {text:?} is not an integer ({})",
                        self.name,
                        self.accepts()
                    ))
                })?;
                if v < *min || v > *max {
                    return Err(user_error(format!(
                        "parameter {}: {v} is out of range ({})",
                        self.name,
                        self.accepts()
                    )));
                }
                Ok(ScalarValue::Int64(Some(v)))
            }
            ParamType::Enum(values) => {
                if values.iter().any(|v| v == text) {
                    Ok(ScalarValue::Utf8(Some(text.to_string())))
                } else {
                    Err(user_error(format!(
                        "parameter {}: {text:?} is not one of {}",
                        self.name,
                        self.accepts()
                    )))
                }
            }
        }
    }
}

/// Binds `given` (`name=value` pairs) over the defaults of `defs`. Unknown names are errors.
pub fn bind(
    defs: &[ParamDef],
    given: &[(String, String)],
) -> anyhow::Result<(ParamValues, Vec<(String, String)>)> {
    for (name, _) in given {
        if !defs.iter().any(|d| &d.name == name) {
            let known: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
            return Err(user_error(if known.is_empty() {
                format!("this query takes no parameters (got {name})")
            } else {
                format!(
                    "unknown parameter {name} (this query takes: {})",
                    known.join(", ")
                )
            }));
        }
    }
    let mut map = HashMap::new();
    let mut used = Vec::new();
    for d in defs {
        let text = given
            .iter()
            .rev()
            .find(|(n, _)| n == &d.name)
            .map_or(d.default.as_str(), |(_, v)| v.as_str());
        map.insert(d.name.clone(), d.value(text)?.into());
        used.push((d.name.clone(), text.to_string()));
    }
    Ok((ParamValues::Map(map), used))
}

/// Parses `name=value`.
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got {s:?}"))?;
    Ok((k.trim().to_string(), v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_params_are_typed_and_checked() {
        let n = ParamDef::parse("n int 15 1..1000 how many hosts").unwrap();
        assert_eq!(n.value("20").unwrap(), ScalarValue::Int64(Some(20)));
        assert!(n.value("0").is_err());
        assert!(n.value("20; DROP TABLE packets").is_err());
        let b = ParamDef::parse("bucket enum minute second|minute|hour|day width of a time bucket")
            .unwrap();
        assert!(b.value("minute").is_ok());
        assert!(b.value("minute'--").is_err());
        assert!(bind(std::slice::from_ref(&n), &[("m".into(), "1".into())]).is_err());
    }
}
