//! Parse container image references (`[registry/]repository[:tag][@digest]`) into the
//! parts policies ask about, following the Docker reference grammar's defaults.

use serde::{Deserialize, Serialize};

/// A parsed image reference. `unresolved` references (templating such as `${IMAGE}` or
/// `{{image}}`) are not judged by image rules: their real value is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// Pinned by digest: the image cannot change under the same reference.
    pub pinned: bool,
    /// Tag missing (implicit `latest`) or `latest`, and no digest.
    pub mutable_latest: bool,
    /// Private Amazon ECR registry, with its account and region.
    pub ecr: Option<EcrRegistry>,
    /// `public.ecr.aws`.
    pub ecr_public: bool,
    /// Templated somewhere (`${IMAGE}`, `{{image}}`, `$IMAGE`, `<IMAGE_NAME>`): the
    /// registry and repository are unknown.
    pub unresolved: bool,
    /// The tag and digest are written literally, even when the rest is templated
    /// (`${REPO}:latest` floats with `latest`): tag rules judge them.
    pub literal_tag: bool,
}

/// The account and region of a private ECR registry host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcrRegistry {
    pub account: String,
    pub region: String,
}

fn parse_ecr_host(host: &str) -> Option<EcrRegistry> {
    // <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]
    let mut parts = host.split('.');
    let account = parts.next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if parts.next()? != "dkr" {
        return None;
    }
    let ecr = parts.next()?;
    if ecr != "ecr" && ecr != "ecr-fips" {
        return None;
    }
    let region = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    if rest != ["amazonaws", "com"] && rest != ["amazonaws", "com", "cn"] {
        return None;
    }
    Some(EcrRegistry {
        account: account.to_string(),
        region: region.to_string(),
    })
}

/// Parse an image reference; never fails (odd input yields its best reading).
pub fn parse(reference: &str) -> ImageRef {
    let r = reference.trim();
    let unresolved = super::secrets::placeholder(r) || r.starts_with('$') || r.is_empty();
    let (name_tag, digest) = match r.split_once('@') {
        Some((n, d)) => (n, Some(d.to_string())),
        None => (r, None),
    };
    let (registry, remainder) = match name_tag.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first.to_string(), rest)
        }
        _ => ("docker.io".to_string(), name_tag),
    };
    // The tag follows the last ':' of the last path component.
    let last_slash = remainder.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match remainder[last_slash..].rfind(':') {
        Some(i) => (
            remainder[..last_slash + i].to_string(),
            Some(remainder[last_slash + i + 1..].to_string()),
        ),
        None => (remainder.to_string(), None),
    };
    let repository = if registry == "docker.io" && !repository.contains('/') {
        format!("library/{repository}")
    } else {
        repository
    };
    let literal = |p: &str| !p.contains(['$', '{', '}', '<', '>']);
    let literal_tag = !unresolved
        || ((tag.is_some() || digest.is_some())
            && tag.as_deref().is_none_or(literal)
            && digest.as_deref().is_none_or(literal));
    let pinned = digest.as_deref().is_some_and(|d| d.contains(':'));
    let mutable_latest = !pinned && tag.as_deref().is_none_or(|t| t == "latest");
    let ecr = parse_ecr_host(&registry);
    ImageRef {
        ecr_public: registry == "public.ecr.aws",
        registry,
        repository,
        tag,
        digest,
        pinned,
        mutable_latest,
        ecr,
        unresolved,
        literal_tag,
    }
}

impl From<ImageRef> for serde_json::Value {
    /// The reference as its graph JSON: what serialising it gives (same keys, same order),
    /// built without serde so its parts move instead of being copied.
    fn from(i: ImageRef) -> Self {
        use serde_json::Value;
        let mut m = serde_json::Map::with_capacity(10);
        m.insert("registry".into(), i.registry.into());
        m.insert("repository".into(), i.repository.into());
        m.insert("tag".into(), i.tag.into());
        m.insert("digest".into(), i.digest.into());
        m.insert("pinned".into(), i.pinned.into());
        m.insert("mutable_latest".into(), i.mutable_latest.into());
        let ecr = i.ecr.map_or(Value::Null, |e| {
            let mut r = serde_json::Map::with_capacity(2);
            r.insert("account".into(), e.account.into());
            r.insert("region".into(), e.region.into());
            Value::Object(r)
        });
        m.insert("ecr".into(), ecr);
        m.insert("ecr_public".into(), i.ecr_public.into());
        m.insert("unresolved".into(), i.unresolved.into());
        m.insert("literal_tag".into(), i.literal_tag.into());
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_json_is_what_serde_gives() {
        for r in [
            "nginx",
            "nginx:latest",
            "bitnami/redis:7.2@sha256:abc",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2",
            "public.ecr.aws/nginx/nginx:1",
            "${IMAGE}",
            "",
        ] {
            let i = parse(r);
            let serde = serde_json::to_string(&i).unwrap();
            let direct = serde_json::to_string(&serde_json::Value::from(i)).unwrap();
            assert_eq!(direct, serde, "{r}");
        }
    }

    #[test]
    fn docker_hub_defaults() {
        let i = parse("nginx");
        assert_eq!(
            (i.registry.as_str(), i.repository.as_str()),
            ("docker.io", "library/nginx")
        );
        assert!(i.tag.is_none() && i.mutable_latest && !i.pinned);
        let i = parse("bitnami/redis:7.2");
        assert_eq!(i.repository, "bitnami/redis");
        assert_eq!(i.tag.as_deref(), Some("7.2"));
        assert!(!i.mutable_latest);
    }

    #[test]
    fn registry_with_port_and_digest() {
        let i = parse("registry.local:5000/team/app:1.0@sha256:abcd");
        assert_eq!(i.registry, "registry.local:5000");
        assert_eq!(i.repository, "team/app");
        assert_eq!(i.tag.as_deref(), Some("1.0"));
        assert_eq!(i.digest.as_deref(), Some("sha256:abcd"));
        assert!(i.pinned && !i.mutable_latest);
        let i = parse("localhost:5000/app");
        assert_eq!(i.registry, "localhost:5000");
        assert!(i.mutable_latest);
    }

    #[test]
    fn ecr_private_and_public() {
        let i = parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:latest");
        assert_eq!(
            i.ecr,
            Some(EcrRegistry {
                account: "123456789012".into(),
                region: "eu-west-1".into()
            })
        );
        assert!(i.mutable_latest);
        assert!(parse("public.ecr.aws/nginx/nginx:1.25").ecr_public);
        assert!(parse("123.dkr.ecr.eu-west-1.amazonaws.com/x").ecr.is_none());
    }

    #[test]
    fn a_literal_tag_of_a_templated_reference_is_judged() {
        let p = parse("${REPO}:latest");
        assert!(p.unresolved && p.literal_tag && p.mutable_latest);
        assert!(parse("${ECR}/app:1.4").literal_tag);
        assert!(parse("${REPO}@sha256:0123").literal_tag);
        for r in [
            "${IMAGE}",
            "${REPO}:${TAG}",
            "${IMAGE:-nginx:latest}",
            "app:{{tag}}",
            "<IMAGE_NAME>",
        ] {
            let p = parse(r);
            assert!(p.unresolved && !p.literal_tag, "{r}");
        }
        assert!(parse("nginx").literal_tag);
    }

    #[test]
    fn templated_references_are_unresolved() {
        assert!(parse("${IMAGE_URI}").unresolved);
        assert!(parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:{{tag}}").unresolved);
        assert!(!parse("nginx:1.25").unresolved);
    }
}
