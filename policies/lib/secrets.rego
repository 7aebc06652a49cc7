# Secret detection by name and by value: the Rego form of what the scanner's redaction
# decides in Rust (src/graph/secrets.rs; a parity test holds the two together). The
# scanner lists what it found in `derived.secrets`, which the built-in secret rules
# read; `lib.testing` builds that list from plain test values with these functions,
# and your own rules can call them on any other field.
#   import data.ecsaudit.lib.secrets
package ecsaudit.lib.secrets

import rego.v1

# Name tokens that suggest a secret (matched on the upper-cased name).
default_name_tokens := [
	"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY",
	"PRIVATE_KEY", "ACCESS_KEY", "SECRET_KEY", "CLIENT_SECRET", "CREDENTIAL",
	"AUTH_KEY", "AUTH_DATA", "SIGNING_KEY", "ENCRYPTION_KEY", "MASTER_KEY", "SESSION_KEY",
	"DSN", "CONNECTION_STRING",
]

# Name suffixes that mark configuration about a secret, not the secret itself.
default_safe_suffixes := [
	"_FILE", "_PATH", "_DIR", "_NAME", "_ARN", "_ID", "_IDS", "_LENGTH", "_LEN", "_TTL",
	"_SECONDS", "_MINUTES", "_HOURS", "_DAYS", "_TIMEOUT", "_EXPIRY", "_EXPIRES",
	"_ENABLED", "_DISABLED", "_REQUIRED", "_HEADER", "_TYPE", "_REGION", "_VERSION",
	"_POLICY", "_URL_PATH", "_COUNT", "_SIZE", "_PARAM", "_PARAMETER", "_KEY_ID",
	"_ALGORITHM", "_FORMAT", "_PREFIX", "_SUFFIX", "_ROTATION", "_ROTATION_DAYS",
	"_SOURCE", "_PROVIDER", "_ENDPOINT", "_LOCATION", "_REF",
]

# The upper-cased name contains one of `tokens` (a list of strings) and does not end in
# a safe suffix.
name_suggests_secret(name, tokens) if {
	is_string(name)
	some t in tokens
	contains(upper(name), t)
	not safe_suffix(upper(name))
}

safe_suffix(n) if strings.any_suffix_match(n, default_safe_suffixes)

trivial_words := {
	"true", "false", "yes", "no", "none", "null", "nil", "enabled", "disabled",
	"changeme_in_secrets_manager",
}

# Values that cannot be a secret whatever the name says.
trivial_value(v) if not is_string(v)

trivial_value(v) if {
	is_string(v)
	count(trim_space(v)) < 4
}

trivial_value(v) if {
	is_string(v)
	lower(v) in trivial_words
}

trivial_value(v) if {
	is_string(v)
	strings.any_prefix_match(v, ["arn:", "/", "file://"])
}

trivial_value(v) if {
	is_string(v)
	placeholder(v)
}

# A template placeholder, filled in before deploy: `${X}` or `{{x}}` anywhere, or the
# whole value `$NAME` or `<ANY TEXT>`.
placeholder(v) if contains(v, "${")

placeholder(v) if contains(v, "{{")

placeholder(v) if {
	startswith(v, "$")
	count(v) > 1
	trim(substring(v, 1, -1), identifier_chars) == ""
}

placeholder(v) if {
	count(v) > 2
	startswith(v, "<")
	endswith(v, ">")
	count(split(v, "<")) == 2 # no other angle bracket inside
	count(split(v, ">")) == 2
}

identifier_chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

# Only digits, dots, colons and dashes (a version, a port, a date).
trivial_value(v) if {
	is_string(v)
	trim(v, "0123456789.:-") == ""
}

# Well-known credential formats, by description.
patterns := {
	"an AWS access key id": `(^|[^A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}([^A-Z0-9]|$)`,
	"a private key (PEM)": `-----BEGIN[A-Z ]*PRIVATE KEY`,
	"a GitHub token": `(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})`,
	"a Slack token": `xox[abposr]-[A-Za-z0-9-]{10,}`,
	"a Slack webhook URL": `hooks\.slack\.com/services/T[A-Za-z0-9]+`,
	"a Stripe live key": `(sk|rk)_live_[A-Za-z0-9]{16,}`,
	"a Google API key": `AIza[0-9A-Za-z_-]{35}`,
	"a JSON Web Token": `eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
}

# A URL whose user-info holds a literal password (placeholders do not count).
url_with_credentials(v) if {
	contains(v, "://")
	contains(v, "@")
	regex.match(`[A-Za-z][A-Za-z0-9+.-]*://[^/ \t\n\f\r:@]+:[^/ \t\n\f\r@]+@`, v)
	not regex.match(`://[^/ \t\n\f\r:@]+:(\$\{[^}]*\}|\{\{[^}]*\}\}|\*+|%s)@`, v)
}

# The kinds of credential format `v` matches.
format_kinds(v) := {k | some k, p in patterns; regex.match(p, v)}

url_kinds(v) := {"a URL with embedded credentials"} if url_with_credentials(v)

else := set()

# Redaction markers. ecsaudit replaces every value these rules would flag by a marker
# before any rule sees it (so graphs, snapshots and `eval` never hold the secret):
#   ecsaudit:redacted|<kind>|<preview>
# <kind> is what value_kind gave the value, or empty when its name made it a secret;
# <preview> is what lib.redact showed of it. Rules read markers like the values they
# stand for: value_kind gives the recorded kind, lib.redact the preview.
redaction_prefix := "ecsaudit:redacted|"

redaction_kinds := {k | some k, _ in patterns} | {
	"a URL with embedded credentials",
	"a high-entropy string",
}

# The kind a marker records ("" for a secret by name; an unknown kind counts as "");
# undefined for any other value.
redacted_kind(v) := kind if {
	is_string(v)
	startswith(v, redaction_prefix)
	parts := split(v, "|")
	kind := marker_kind(parts)
}

marker_kind(parts) := parts[1] if {
	count(parts) >= 3
	parts[1] in redaction_kinds
} else := ""

# What a string value looks like: the first known format it matches (by name), else a
# high-entropy string; undefined when it looks like neither. A marker has the kind it
# records.
value_kind(v) := kind if {
	kind := redacted_kind(v)
	kind != ""
} else := sort(kinds)[0] if {
	is_string(v)
	not startswith(v, redaction_prefix)
	kinds := format_kinds(v) | url_kinds(v)
	count(kinds) > 0
} else := "a high-entropy string" if {
	is_string(v)
	not startswith(v, redaction_prefix)
	high_entropy(v)
}

# A `--name=value` argument whose name suggests a secret and whose value is not trivial.
secret_option_arg(arg) if {
	is_string(arg)
	startswith(arg, "-")
	parts := split(trim_left(arg, "-"), "=")
	count(parts) >= 2
	name_suggests_secret(replace(parts[0], "-", "_"), default_name_tokens)
	not trivial_value(concat("=", array.slice(parts, 1, count(parts))))
}

# A Docker label or log option key that suggests a secret (dashes read as underscores).
secret_key(k) if name_suggests_secret(replace(k, "-", "_"), default_name_tokens)

# n * log2(n) for n = 0..256: Rego has no logarithm builtin, and Shannon entropy needs
# one (the scanner computes the same in Rust, src/graph/secrets.rs).
nlog2n := [
	0.000000, 0.000000, 2.000000, 4.754888, 8.000000, 11.609640, 15.509775,
	19.651484, 24.000000, 28.529325, 33.219281, 38.053748, 43.019550, 48.105716,
	53.302969, 58.603359, 64.000000, 69.486868, 75.058650, 80.710623, 86.438562,
	92.238666, 98.107496, 104.041925, 110.039100, 116.096405, 122.211433, 128.381963,
	134.605938, 140.881449, 147.206718, 153.580086, 160.000000, 166.465006, 172.973737,
	179.524906, 186.117300, 192.749775, 199.421246, 206.130687, 212.877124, 219.659632,
	226.477332, 233.329384, 240.214991, 247.133389, 254.083850, 261.065676, 268.078200,
	275.120782, 282.192809, 289.293692, 296.422865, 303.579784, 310.763925, 317.974784,
	325.211876, 332.474731, 339.762898, 347.075940, 354.413436, 361.774978, 369.160171,
	376.568635, 384.000000, 391.453908, 398.930012, 406.427976, 413.947473, 421.488188,
	429.049811, 436.632045, 444.234600, 451.857193, 459.499549, 467.161402, 474.842491,
	482.542564, 490.261373, 497.998679, 505.754248, 513.527850, 521.319264, 529.128273,
	536.954664, 544.798230, 552.658769, 560.536084, 568.429982, 576.340275, 584.266779,
	592.209312, 600.167700, 608.141769, 616.131352, 624.136283, 632.156400, 640.191546,
	648.241565, 656.306305, 664.385619, 672.479360, 680.587385, 688.709554, 696.845731,
	704.995779, 713.159568, 721.336968, 729.527850, 737.732091, 745.949568, 754.180161,
	762.423751, 770.680223, 778.949462, 787.231356, 795.525795, 803.832672, 812.151880,
	820.483314, 828.826871, 837.182452, 845.549955, 853.929284, 862.320342, 870.723036,
	879.137270, 887.562955, 896.000000, 904.448316, 912.907816, 921.378413, 929.860024,
	938.352564, 946.855952, 955.370106, 963.894946, 972.430395, 980.976375, 989.532809,
	998.099622, 1006.676741, 1015.264091, 1023.861601, 1032.469200, 1041.086818, 1049.714386,
	1058.351835, 1066.999098, 1075.656110, 1084.322804, 1092.999116, 1101.684982, 1110.380340,
	1119.085127, 1127.799283, 1136.522746, 1145.255458, 1153.997358, 1162.748390, 1171.508495,
	1180.277617, 1189.055700, 1197.842689, 1206.638529, 1215.443165, 1224.256546, 1233.078617,
	1241.909327, 1250.748625, 1259.596459, 1268.452780, 1277.317538, 1286.190683, 1295.072168,
	1303.961945, 1312.859965, 1321.766182, 1330.680551, 1339.603024, 1348.533557, 1357.472106,
	1366.418625, 1375.373070, 1384.335400, 1393.305570, 1402.283539, 1411.269264, 1420.262704,
	1429.263818, 1438.272566, 1447.288906, 1456.312800, 1465.344208, 1474.383091, 1483.429411,
	1492.483129, 1501.544208, 1510.612611, 1519.688299, 1528.771238, 1537.861390, 1546.958720,
	1556.063191, 1565.174770, 1574.293420, 1583.419109, 1592.551800, 1601.691461, 1610.838059,
	1619.991559, 1629.151929, 1638.319136, 1647.493149, 1656.673935, 1665.861463, 1675.055700,
	1684.256617, 1693.464183, 1702.678366, 1711.899137, 1721.126466, 1730.360322, 1739.600678,
	1748.847503, 1758.100768, 1767.360446, 1776.626507, 1785.898923, 1795.177667, 1804.462712,
	1813.754029, 1823.051591, 1832.355372, 1841.665344, 1850.981482, 1860.303760, 1869.632150,
	1878.966628, 1888.307167, 1897.653743, 1907.006330, 1916.364903, 1925.729438, 1935.099910,
	1944.476295, 1953.858568, 1963.246706, 1972.640685, 1982.040481, 1991.446071, 2000.857432,
	2010.274541, 2019.697374, 2029.125910, 2038.560126, 2048.000000,
]

# Shannon entropy in bits per character of a string of 1..256 characters.
entropy(s) := h if {
	chars := split(s, "")
	n := count(chars)
	n > 0
	n <= 256
	counts := {c: count(indexof_n(s, c)) | some c in {x | some x in chars}}
	sum_c := sum([nlog2n[k] | some k in counts])
	h := (nlog2n[n] - sum_c) / n
}

# Characters of tokens, keys and base64/base64url (URL-safe) text.
token_chars := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.~"

# Random-looking token: long, no spaces, mixed letters and digits, high entropy.
high_entropy(v) if {
	count(v) >= 20
	count(v) <= 256
	trim(v, token_chars) == "" # so no spaces and no "://" either
	not startswith(v, "/")
	regex.match(`[0-9]`, v) # a digit
	upper(v) != v # a lower-case letter (v is ASCII: token_chars)
	lower(v) != v # an upper-case letter
	not sequential(v)
	entropy(v) >= 4.0
}

# Alphabet runs such as abcdef...: not random.
sequential(v) if contains(lower(v), "abcdefgh")

sequential(v) if contains(v, "01234567")
