# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ecsaudit_global_optspecs
    string join \n h/help V/version
end

function __fish_ecsaudit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ecsaudit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ecsaudit_using_subcommand
    set -l cmd (__fish_ecsaudit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -s V -l version -d 'Print version'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "scan" -d 'Scan task-definition files (or a saved graph) and report findings'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "graph" -d 'Build the graph document from task-definition files and write it'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "collect" -d 'Collect a live AWS account into a graph document (re-evaluate later with `scan --graph`)'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "merge" -d 'Combine the JSON reports of shards (one `scan -f json` per account, OU or directory) into one report, in any output format'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "schema" -d 'Print the JSON Schema of the graph document'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "rules" -d 'List every rule with its metadata'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "explain" -d 'Print one rule\'s full documentation'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "test" -d 'Run Rego policy tests (`test_*` rules in `*_test.rego`), like `opa test`'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "eval" -d 'Evaluate an ad-hoc Rego query against a saved graph'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "new-rule" -d 'Scaffold a new rule and its test in a policy directory'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "docs" -d 'Write the generated documentation: rule pages (docs/rules/*.md, from METADATA), man pages (docs/man/*.1) and shell completions (docs/completions/), from this CLI'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "completions" -d 'Print the shell completion script for SHELL (e.g. `ecsaudit completions bash > /etc/bash_completion.d/ecsaudit`)'
complete -c ecsaudit -n "__fish_ecsaudit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l graph -d 'Evaluate a saved graph document instead of scanning files' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l profile -d 'Named profile from the shared AWS config (default: the standard credential chain)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l region -d 'Region to audit (repeatable; default: the configured region)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l assume-role -d 'Assume this role and audit its account (repeatable: one account each)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l external-id -d 'External id for --assume-role and --org-role' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l org-role -d 'Audit every ACTIVE account of the organisation by assuming this role name in each (run from the management account or a delegated administrator; the caller\'s own account is audited with its own credentials)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l accounts -d 'With --org-role: only these accounts (comma-separated or repeated)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l exclude-accounts -d 'With --org-role: never these accounts (comma-separated or repeated)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l ou -d 'With --org-role: only the accounts under this organisational unit (or root), recursively (comma-separated or repeated)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l shard -d 'With --org-role: only shard INDEX of COUNT of the accounts (account id modulo COUNT, the same accounts every run). INDEX `array` takes the index of the array job this runs in (AWS_BATCH_JOB_ARRAY_INDEX, or a Kubernetes indexed Job\'s JOB_COMPLETION_INDEX)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l account-concurrency -d 'Accounts audited at once' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l endpoint-url -d 'Send every AWS call to this endpoint (a local stand-in such as moto)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l concurrency -d 'Concurrent API calls per service and region' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l timeout -d 'How long one API call may take, retries included (at most 3 attempts, each a third of it); a call that takes longer makes its resource incomplete' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l snapshot-dir -d 'Write one canonical JSON file per collected resource under DIR and point findings (and SARIF results) at their lines there' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -s f -l format -d 'Output format' -r -f -a "text\t''
json\t''
sarif\t''
markdown\t'A summary for pull-request comments and job summaries'
junit\t'JUnit XML for CI systems'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -s o -l output -d 'Write the report to FILE instead of standard output' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l fail-on -d 'Exit 1 when a finding at or above this severity remains (none: never; default: `fail_on` of the config, else low)' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
none\t'Never fail on findings'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l baseline -d 'Report only findings new since this earlier report (SARIF or JSON from ecsaudit), matched by fingerprint; the summary counts new, unchanged and fixed' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l source-root -d 'Repository root for SARIF URIs (default: working directory)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l compliance -d 'Run only the rules that check a control of this framework, and show the text and markdown reports control by control (findings, no findings, not checked, not covered)' -r -f -a "security-hub\t'AWS Security Hub\'s controls for Amazon ECS (ECS.1 to ECS.21)'
control-tower\t'AWS Control Tower\'s proactive controls for ECS and ECR (CT.ECS.PR.x, CT.ECR.PR.x)'
config\t'AWS Config\'s managed rules for ECS and ECR (ecs-containers-nonprivileged, ...)'
prowler\t'Prowler\'s ecs and ecr checks'
checkov\t'Checkov\'s ECS and ECR checks (CKV_AWS_x)'
kics\t'KICS\'s ECS, ECR and EFS-volume queries (by query id)'
trivy\t'Trivy\'s AWS ECS and ECR checks (AVD-AWS-x)'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l max-file-size -d 'Files larger than this many bytes are reported, not read' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l engine -d 'How rules run: `auto` (the built-in rules on regorus\' bytecode VM, several times faster; your own rules in its reference interpreter), `vm` (every rule on the VM) or `interpreter` (every rule in the interpreter). See docs/performance.md' -r -f -a "auto\t'The built-in rules on the VM, user rules in the interpreter (the default)'
vm\t'Every rule on regorus\' bytecode VM (falls back to the interpreter if the policies do not compile for it)'
interpreter\t'Every rule in regorus\' interpreter'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l var -d 'Set a Terraform input variable (repeatable), as `terraform plan -var` does' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l var-file -d 'Read Terraform variable values from a `.tfvars` file (repeatable); applied after `terraform.tfvars` and `*.auto.tfvars`, before `--var`' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l parameter -d 'Set a CloudFormation template parameter (repeatable; `AWS::Region` and `AWS::AccountId` too), over its `Default`' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l parameters-file -d 'Read CloudFormation parameter values from a JSON file (repeatable): the `create-stack` form, `deploy --parameter-overrides` `["Key=Value"]`, or CodePipeline\'s `{"Parameters": {...}}`; applied before `--parameter`' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l policy -d 'Extra policy directory or file (repeatable); loaded beside the built-in pack' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l config -d 'Config file (default: ./ecsaudit.toml when present)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l rule-timeout -d 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l aws -d 'Audit a live AWS account (see the AWS options) instead of files'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l all-regions -d 'Audit every region enabled in the account'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l all-revisions -d 'Every ACTIVE revision of every family, not only the latest and those in use'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -s v -l verbose -d 'Log AWS calls on stderr (-vv: also SDK internals)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -l no-builtin -d 'Run only the policies given with --policy (the helper library stays available)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -s o -l output -d 'Output file (default: standard output)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -l max-file-size -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -l config -d 'Config file (default: ./ecsaudit.toml when present); EA101\'s `extra_name_tokens` there name more secrets to redact' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -l var -d 'Set a Terraform input variable (repeatable), as `terraform plan -var` does' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -l var-file -d 'Read Terraform variable values from a `.tfvars` file (repeatable); applied after `terraform.tfvars` and `*.auto.tfvars`, before `--var`' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -l parameter -d 'Set a CloudFormation template parameter (repeatable; `AWS::Region` and `AWS::AccountId` too), over its `Default`' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -l parameters-file -d 'Read CloudFormation parameter values from a JSON file (repeatable): the `create-stack` form, `deploy --parameter-overrides` `["Key=Value"]`, or CodePipeline\'s `{"Parameters": {...}}`; applied before `--parameter`' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand graph" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -s o -l output -d 'Output file for the graph document (default: standard output)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l profile -d 'Named profile from the shared AWS config (default: the standard credential chain)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l region -d 'Region to audit (repeatable; default: the configured region)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l assume-role -d 'Assume this role and audit its account (repeatable: one account each)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l external-id -d 'External id for --assume-role and --org-role' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l org-role -d 'Audit every ACTIVE account of the organisation by assuming this role name in each (run from the management account or a delegated administrator; the caller\'s own account is audited with its own credentials)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l accounts -d 'With --org-role: only these accounts (comma-separated or repeated)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l exclude-accounts -d 'With --org-role: never these accounts (comma-separated or repeated)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l ou -d 'With --org-role: only the accounts under this organisational unit (or root), recursively (comma-separated or repeated)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l shard -d 'With --org-role: only shard INDEX of COUNT of the accounts (account id modulo COUNT, the same accounts every run). INDEX `array` takes the index of the array job this runs in (AWS_BATCH_JOB_ARRAY_INDEX, or a Kubernetes indexed Job\'s JOB_COMPLETION_INDEX)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l account-concurrency -d 'Accounts audited at once' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l endpoint-url -d 'Send every AWS call to this endpoint (a local stand-in such as moto)' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l concurrency -d 'Concurrent API calls per service and region' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l timeout -d 'How long one API call may take, retries included (at most 3 attempts, each a third of it); a call that takes longer makes its resource incomplete' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l snapshot-dir -d 'Write one canonical JSON file per collected resource under DIR and point findings (and SARIF results) at their lines there' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l config -d 'Config file (default: ./ecsaudit.toml when present); EA101\'s `extra_name_tokens` there name more secrets to redact' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l all-regions -d 'Audit every region enabled in the account'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -l all-revisions -d 'Every ACTIVE revision of every family, not only the latest and those in use'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -s v -l verbose -d 'Log AWS calls on stderr (-vv: also SDK internals)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand collect" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -s f -l format -d 'Output format' -r -f -a "text\t''
json\t''
sarif\t''
markdown\t'A summary for pull-request comments and job summaries'
junit\t'JUnit XML for CI systems'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -s o -l output -d 'Write the report to FILE instead of standard output' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l fail-on -d 'Exit 1 when a finding at or above this severity remains (none: never; default: `fail_on` of the config, else low)' -r -f -a "critical\t''
high\t''
medium\t''
low\t''
info\t''
none\t'Never fail on findings'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l baseline -d 'Report only findings new since this earlier report (SARIF or JSON from ecsaudit), matched by fingerprint; the summary counts new, unchanged and fixed' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l source-root -d 'Repository root for SARIF URIs (default: working directory)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l compliance -d 'Run only the rules that check a control of this framework, and show the text and markdown reports control by control (findings, no findings, not checked, not covered)' -r -f -a "security-hub\t'AWS Security Hub\'s controls for Amazon ECS (ECS.1 to ECS.21)'
control-tower\t'AWS Control Tower\'s proactive controls for ECS and ECR (CT.ECS.PR.x, CT.ECR.PR.x)'
config\t'AWS Config\'s managed rules for ECS and ECR (ecs-containers-nonprivileged, ...)'
prowler\t'Prowler\'s ecs and ecr checks'
checkov\t'Checkov\'s ECS and ECR checks (CKV_AWS_x)'
kics\t'KICS\'s ECS, ECR and EFS-volume queries (by query id)'
trivy\t'Trivy\'s AWS ECS and ECR checks (AVD-AWS-x)'"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l policy -d 'Extra policy directory or file (repeatable); loaded beside the built-in pack' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l config -d 'Config file (default: ./ecsaudit.toml when present)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l rule-timeout -d 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -l no-builtin -d 'Run only the policies given with --policy (the helper library stays available)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand schema" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand rules" -s f -l format -d '`text` (a table) or `json` (full metadata)' -r -f -a "text\t''
json\t''"
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand rules" -l policy -d 'Extra policy directory or file (repeatable); loaded beside the built-in pack' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand rules" -l config -d 'Config file (default: ./ecsaudit.toml when present)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand rules" -l rule-timeout -d 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand rules" -l no-builtin -d 'Run only the policies given with --policy (the helper library stays available)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand rules" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand explain" -l policy -d 'Extra policy directory or file (repeatable); loaded beside the built-in pack' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand explain" -l config -d 'Config file (default: ./ecsaudit.toml when present)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand explain" -l rule-timeout -d 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand explain" -l no-builtin -d 'Run only the policies given with --policy (the helper library stays available)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand explain" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand test" -l run -d 'Run only tests whose `file::name` contains this text' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand test" -l rule-timeout -d 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand test" -s v -l verbose -d 'Show every test and the output of `print` calls'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand test" -l coverage -d 'Show line coverage of rule files'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand test" -l json -d 'Print results as JSON'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand test" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand eval" -l graph -d 'Graph document to use as `input`' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand eval" -l policy -d 'Extra policy directory or file (repeatable); loaded beside the built-in pack' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand eval" -l config -d 'Config file (default: ./ecsaudit.toml when present)' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand eval" -l rule-timeout -d 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand eval" -l no-builtin -d 'Run only the policies given with --policy (the helper library stays available)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand eval" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand new-rule" -l dir -d 'Directory to write into' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand new-rule" -l name -d 'Package name (snake_case); default derived from the id' -r
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand new-rule" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand docs" -l out -d 'Directory of the rule pages' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand docs" -l man -d 'Directory of the man pages' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand docs" -l completions -d 'Directory of the shell completions' -r -F
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand docs" -l check -d 'Exit 1 if the files on disk differ from what would be written (write nothing)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand docs" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand completions" -s h -l help -d 'Print help'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "scan" -d 'Scan task-definition files (or a saved graph) and report findings'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "graph" -d 'Build the graph document from task-definition files and write it'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "collect" -d 'Collect a live AWS account into a graph document (re-evaluate later with `scan --graph`)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "merge" -d 'Combine the JSON reports of shards (one `scan -f json` per account, OU or directory) into one report, in any output format'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "schema" -d 'Print the JSON Schema of the graph document'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "rules" -d 'List every rule with its metadata'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "explain" -d 'Print one rule\'s full documentation'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "test" -d 'Run Rego policy tests (`test_*` rules in `*_test.rego`), like `opa test`'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "eval" -d 'Evaluate an ad-hoc Rego query against a saved graph'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "new-rule" -d 'Scaffold a new rule and its test in a policy directory'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "docs" -d 'Write the generated documentation: rule pages (docs/rules/*.md, from METADATA), man pages (docs/man/*.1) and shell completions (docs/completions/), from this CLI'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "completions" -d 'Print the shell completion script for SHELL (e.g. `ecsaudit completions bash > /etc/bash_completion.d/ecsaudit`)'
complete -c ecsaudit -n "__fish_ecsaudit_using_subcommand help; and not __fish_seen_subcommand_from scan graph collect merge schema rules explain test eval new-rule docs completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
