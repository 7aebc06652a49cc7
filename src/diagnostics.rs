//! Problems met while scanning that are not findings: unreadable or malformed input,
//! skipped files, broken policies, calls that could not be made. Partial failure is a
//! value carried to every report, never a silent gap.

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is. `Error` makes the run exit with bit 2; `Incomplete` (data
/// that could not be collected, so some checks were not performed) with bit 4; `Warning`
/// is reported only; `Skipped` records an input passed over on purpose (counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Skipped,
    /// A value an IaC source cannot know before deploy (an unset variable, an attribute
    /// AWS assigns): the checks that need it were not performed. Reported only.
    Unresolved,
    Warning,
    Incomplete,
    Error,
}

/// A place in a file: path as scanned, 1-based line and UTF-16 column, JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pointer: Option<String>,
}

impl Location {
    /// Line `line`, column `column` (both 1-based; 0 counts as 1) of `file`.
    pub fn at(file: &str, line: u32, column: u32) -> Self {
        Location {
            file: file.to_string(),
            line: Some(line.max(1)),
            column: Some(column.max(1)),
            ..Location::default()
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// One diagnostic: what happened, where, and how bad it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    /// Stable kebab-case code, e.g. `parse-error`, `not-a-task-definition`.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Box<Location>>,
    /// Resource the problem concerns, when there is one (node id or ARN).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resource: Option<String>,
    /// Rule the problem concerns (a check not performed), when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rule: Option<String>,
}

impl Diagnostic {
    pub fn new(level: Level, code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            code: code.to_string(),
            message: message.into(),
            location: None,
            resource: None,
            rule: None,
        }
    }

    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Error, code, message)
    }

    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, code, message)
    }

    pub fn incomplete(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Incomplete, code, message)
    }

    pub fn skipped(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Skipped, code, message)
    }

    pub fn unresolved(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Unresolved, code, message)
    }

    /// The resource (node id) this concerns.
    pub fn for_resource(mut self, id: &str) -> Self {
        self.resource = Some(id.to_string());
        self
    }

    /// `file` is not valid JSON: serde's message, at the line and column it names.
    pub fn malformed_json(file: &str, e: &serde_json::Error) -> Self {
        Self::error("parse-error", format!("malformed JSON: {e}")).at(Location::at(
            file,
            e.line() as u32,
            e.column() as u32,
        ))
    }

    /// The rule whose check this is about.
    pub fn for_rule(mut self, id: &str) -> Self {
        self.rule = Some(id.to_string());
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn in_file(self, file: &str) -> Self {
        self.at(Location {
            file: file.to_string(),
            ..Location::default()
        })
    }

    /// `file:line:col: message` (or `message` when there is no location).
    pub fn headline(&self) -> String {
        match &self.location {
            Some(loc) => format!("{loc}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Display form of a path in messages and reports: as given, without a leading `./`,
/// with `/` separators.
pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}
