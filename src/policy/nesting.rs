//! How deeply a policy nests brackets. regorus' parser takes time exponential in the
//! nesting of array, set and object literals (depth 20: about a second; 24: ten), so a
//! policy or query nested deeper than [`MAX_DEPTH`] is refused before it is parsed.

/// Deepest nesting of `[`/`{` a policy may use (the built-in pack uses at most 7).
pub const MAX_DEPTH: usize = 16;

/// Where the nesting first goes deeper than [`MAX_DEPTH`]: `(line, column)`, 1-based,
/// counted in characters. Brackets in strings and comments do not count.
pub fn too_deep(text: &str) -> Option<(u32, u32)> {
    let (mut line, mut col) = (1u32, 0u32);
    let mut depth = 0usize;
    // Inside: a `"` string (and whether the last character escaped), a raw string, a comment.
    let (mut string, mut escaped, mut raw, mut comment) = (false, false, false, false);
    for c in text.chars() {
        if c == '\n' {
            (line, col) = (line + 1, 0);
            comment = false;
            continue;
        }
        col += 1;
        if comment {
            continue;
        }
        if string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => string = false,
                _ => {}
            }
            continue;
        }
        if raw {
            raw = c != '`';
            continue;
        }
        match c {
            '#' => comment = true,
            '"' => string = true,
            '`' => raw = true,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((line, col));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings_and_comments() {
        let ok = format!("p if {{\n x := {}1{}\n}}\n", "[".repeat(15), "]".repeat(15));
        assert_eq!(too_deep(&ok), None);
        let deep = format!("p if {{\n x := {}1{}\n}}\n", "[".repeat(16), "]".repeat(16));
        assert_eq!(too_deep(&deep), Some((2, 22)));
        let quoted = format!(
            "# {}\np := \"{}\\\"{}\"\nq := `{}`\n",
            "[".repeat(40),
            "{".repeat(40),
            "[".repeat(40),
            "[".repeat(40)
        );
        assert_eq!(too_deep(&quoted), None);
    }
}
