
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ecsaudit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ecsaudit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ecsaudit' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Scan task-definition files (or a saved graph) and report findings')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Build the graph document from task-definition files and write it')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Collect a live AWS account into a graph document (re-evaluate later with `scan --graph`)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine the JSON reports of shards (one `scan -f json` per account, OU or directory) into one report, in any output format')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the graph document')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule with its metadata')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print one rule''s full documentation')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run Rego policy tests (`test_*` rules in `*_test.rego`), like `opa test`')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Evaluate an ad-hoc Rego query against a saved graph')
            [CompletionResult]::new('new-rule', 'new-rule', [CompletionResultType]::ParameterValue, 'Scaffold a new rule and its test in a policy directory')
            [CompletionResult]::new('docs', 'docs', [CompletionResultType]::ParameterValue, 'Write the generated documentation: rule pages (docs/rules/*.md, from METADATA), man pages (docs/man/*.1) and shell completions (docs/completions/), from this CLI')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (e.g. `ecsaudit completions bash > /etc/bash_completion.d/ecsaudit`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecsaudit;scan' {
            [CompletionResult]::new('--graph', '--graph', [CompletionResultType]::ParameterName, 'Evaluate a saved graph document instead of scanning files')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the shared AWS config (default: the standard credential chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to audit (repeatable; default: the configured region)')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'Assume this role and audit its account (repeatable: one account each)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External id for --assume-role and --org-role')
            [CompletionResult]::new('--org-role', '--org-role', [CompletionResultType]::ParameterName, 'Audit every ACTIVE account of the organisation by assuming this role name in each (run from the management account or a delegated administrator; the caller''s own account is audited with its own credentials)')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'With --org-role: only these accounts (comma-separated or repeated)')
            [CompletionResult]::new('--exclude-accounts', '--exclude-accounts', [CompletionResultType]::ParameterName, 'With --org-role: never these accounts (comma-separated or repeated)')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'With --org-role: only the accounts under this organisational unit (or root), recursively (comma-separated or repeated)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'With --org-role: only shard INDEX of COUNT of the accounts (account id modulo COUNT, the same accounts every run). INDEX `array` takes the index of the array job this runs in (AWS_BATCH_JOB_ARRAY_INDEX, or a Kubernetes indexed Job''s JOB_COMPLETION_INDEX)')
            [CompletionResult]::new('--account-concurrency', '--account-concurrency', [CompletionResultType]::ParameterName, 'Accounts audited at once')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (a local stand-in such as moto)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Concurrent API calls per service and region')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long one API call may take, retries included (at most 3 attempts, each a third of it); a call that takes longer makes its resource incomplete')
            [CompletionResult]::new('--snapshot-dir', '--snapshot-dir', [CompletionResultType]::ParameterName, 'Write one canonical JSON file per collected resource under DIR and point findings (and SARIF results) at their lines there')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains (none: never; default: `fail_on` of the config, else low)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only findings new since this earlier report (SARIF or JSON from ecsaudit), matched by fingerprint; the summary counts new, unchanged and fixed')
            [CompletionResult]::new('--source-root', '--source-root', [CompletionResultType]::ParameterName, 'Repository root for SARIF URIs (default: working directory)')
            [CompletionResult]::new('--compliance', '--compliance', [CompletionResultType]::ParameterName, 'Run only the rules that check a control of this framework, and show the text and markdown reports control by control (findings, no findings, not checked, not covered)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Files larger than this many bytes are reported, not read')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'How rules run: `auto` (the built-in rules on regorus'' bytecode VM, several times faster; your own rules in its reference interpreter), `vm` (every rule on the VM) or `interpreter` (every rule in the interpreter). See docs/performance.md')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a Terraform input variable (repeatable), as `terraform plan -var` does')
            [CompletionResult]::new('--var-file', '--var-file', [CompletionResultType]::ParameterName, 'Read Terraform variable values from a `.tfvars` file (repeatable); applied after `terraform.tfvars` and `*.auto.tfvars`, before `--var`')
            [CompletionResult]::new('--parameter', '--parameter', [CompletionResultType]::ParameterName, 'Set a CloudFormation template parameter (repeatable; `AWS::Region` and `AWS::AccountId` too), over its `Default`')
            [CompletionResult]::new('--parameters-file', '--parameters-file', [CompletionResultType]::ParameterName, 'Read CloudFormation parameter values from a JSON file (repeatable): the `create-stack` form, `deploy --parameter-overrides` `["Key=Value"]`, or CodePipeline''s `{"Parameters": {...}}`; applied before `--parameter`')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Extra policy directory or file (repeatable); loaded beside the built-in pack')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present)')
            [CompletionResult]::new('--rule-timeout', '--rule-timeout', [CompletionResultType]::ParameterName, 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on')
            [CompletionResult]::new('--aws', '--aws', [CompletionResultType]::ParameterName, 'Audit a live AWS account (see the AWS options) instead of files')
            [CompletionResult]::new('--all-regions', '--all-regions', [CompletionResultType]::ParameterName, 'Audit every region enabled in the account')
            [CompletionResult]::new('--all-revisions', '--all-revisions', [CompletionResultType]::ParameterName, 'Every ACTIVE revision of every family, not only the latest and those in use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log AWS calls on stderr (-vv: also SDK internals)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log AWS calls on stderr (-vv: also SDK internals)')
            [CompletionResult]::new('--no-builtin', '--no-builtin', [CompletionResultType]::ParameterName, 'Run only the policies given with --policy (the helper library stays available)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ecsaudit;graph' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file (default: standard output)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file (default: standard output)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'max-file-size')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present); EA101''s `extra_name_tokens` there name more secrets to redact')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a Terraform input variable (repeatable), as `terraform plan -var` does')
            [CompletionResult]::new('--var-file', '--var-file', [CompletionResultType]::ParameterName, 'Read Terraform variable values from a `.tfvars` file (repeatable); applied after `terraform.tfvars` and `*.auto.tfvars`, before `--var`')
            [CompletionResult]::new('--parameter', '--parameter', [CompletionResultType]::ParameterName, 'Set a CloudFormation template parameter (repeatable; `AWS::Region` and `AWS::AccountId` too), over its `Default`')
            [CompletionResult]::new('--parameters-file', '--parameters-file', [CompletionResultType]::ParameterName, 'Read CloudFormation parameter values from a JSON file (repeatable): the `create-stack` form, `deploy --parameter-overrides` `["Key=Value"]`, or CodePipeline''s `{"Parameters": {...}}`; applied before `--parameter`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;collect' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file for the graph document (default: standard output)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file for the graph document (default: standard output)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the shared AWS config (default: the standard credential chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to audit (repeatable; default: the configured region)')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'Assume this role and audit its account (repeatable: one account each)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External id for --assume-role and --org-role')
            [CompletionResult]::new('--org-role', '--org-role', [CompletionResultType]::ParameterName, 'Audit every ACTIVE account of the organisation by assuming this role name in each (run from the management account or a delegated administrator; the caller''s own account is audited with its own credentials)')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'With --org-role: only these accounts (comma-separated or repeated)')
            [CompletionResult]::new('--exclude-accounts', '--exclude-accounts', [CompletionResultType]::ParameterName, 'With --org-role: never these accounts (comma-separated or repeated)')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'With --org-role: only the accounts under this organisational unit (or root), recursively (comma-separated or repeated)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'With --org-role: only shard INDEX of COUNT of the accounts (account id modulo COUNT, the same accounts every run). INDEX `array` takes the index of the array job this runs in (AWS_BATCH_JOB_ARRAY_INDEX, or a Kubernetes indexed Job''s JOB_COMPLETION_INDEX)')
            [CompletionResult]::new('--account-concurrency', '--account-concurrency', [CompletionResultType]::ParameterName, 'Accounts audited at once')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS call to this endpoint (a local stand-in such as moto)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Concurrent API calls per service and region')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long one API call may take, retries included (at most 3 attempts, each a third of it); a call that takes longer makes its resource incomplete')
            [CompletionResult]::new('--snapshot-dir', '--snapshot-dir', [CompletionResultType]::ParameterName, 'Write one canonical JSON file per collected resource under DIR and point findings (and SARIF results) at their lines there')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present); EA101''s `extra_name_tokens` there name more secrets to redact')
            [CompletionResult]::new('--all-regions', '--all-regions', [CompletionResultType]::ParameterName, 'Audit every region enabled in the account')
            [CompletionResult]::new('--all-revisions', '--all-revisions', [CompletionResultType]::ParameterName, 'Every ACTIVE revision of every family, not only the latest and those in use')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log AWS calls on stderr (-vv: also SDK internals)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log AWS calls on stderr (-vv: also SDK internals)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;merge' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains (none: never; default: `fail_on` of the config, else low)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only findings new since this earlier report (SARIF or JSON from ecsaudit), matched by fingerprint; the summary counts new, unchanged and fixed')
            [CompletionResult]::new('--source-root', '--source-root', [CompletionResultType]::ParameterName, 'Repository root for SARIF URIs (default: working directory)')
            [CompletionResult]::new('--compliance', '--compliance', [CompletionResultType]::ParameterName, 'Run only the rules that check a control of this framework, and show the text and markdown reports control by control (findings, no findings, not checked, not covered)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Extra policy directory or file (repeatable); loaded beside the built-in pack')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present)')
            [CompletionResult]::new('--rule-timeout', '--rule-timeout', [CompletionResultType]::ParameterName, 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on')
            [CompletionResult]::new('--no-builtin', '--no-builtin', [CompletionResultType]::ParameterName, 'Run only the policies given with --policy (the helper library stays available)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ecsaudit;schema' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;rules' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, '`text` (a table) or `json` (full metadata)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, '`text` (a table) or `json` (full metadata)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Extra policy directory or file (repeatable); loaded beside the built-in pack')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present)')
            [CompletionResult]::new('--rule-timeout', '--rule-timeout', [CompletionResultType]::ParameterName, 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on')
            [CompletionResult]::new('--no-builtin', '--no-builtin', [CompletionResultType]::ParameterName, 'Run only the policies given with --policy (the helper library stays available)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;explain' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Extra policy directory or file (repeatable); loaded beside the built-in pack')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present)')
            [CompletionResult]::new('--rule-timeout', '--rule-timeout', [CompletionResultType]::ParameterName, 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on')
            [CompletionResult]::new('--no-builtin', '--no-builtin', [CompletionResultType]::ParameterName, 'Run only the policies given with --policy (the helper library stays available)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;test' {
            [CompletionResult]::new('--run', '--run', [CompletionResultType]::ParameterName, 'Run only tests whose `file::name` contains this text')
            [CompletionResult]::new('--rule-timeout', '--rule-timeout', [CompletionResultType]::ParameterName, 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show every test and the output of `print` calls')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show every test and the output of `print` calls')
            [CompletionResult]::new('--coverage', '--coverage', [CompletionResultType]::ParameterName, 'Show line coverage of rule files')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;eval' {
            [CompletionResult]::new('--graph', '--graph', [CompletionResultType]::ParameterName, 'Graph document to use as `input`')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Extra policy directory or file (repeatable); loaded beside the built-in pack')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./ecsaudit.toml when present)')
            [CompletionResult]::new('--rule-timeout', '--rule-timeout', [CompletionResultType]::ParameterName, 'Wall time one rule may take on one part of the graph (up to 256 resources), or one policy test or query; a rule that overruns is stopped and reported, and the rest of the scan goes on')
            [CompletionResult]::new('--no-builtin', '--no-builtin', [CompletionResultType]::ParameterName, 'Run only the policies given with --policy (the helper library stays available)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;new-rule' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write into')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Package name (snake_case); default derived from the id')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;docs' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory of the rule pages')
            [CompletionResult]::new('--man', '--man', [CompletionResultType]::ParameterName, 'Directory of the man pages')
            [CompletionResult]::new('--completions', '--completions', [CompletionResultType]::ParameterName, 'Directory of the shell completions')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 1 if the files on disk differ from what would be written (write nothing)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ecsaudit;help' {
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Scan task-definition files (or a saved graph) and report findings')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Build the graph document from task-definition files and write it')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Collect a live AWS account into a graph document (re-evaluate later with `scan --graph`)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine the JSON reports of shards (one `scan -f json` per account, OU or directory) into one report, in any output format')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the graph document')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule with its metadata')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print one rule''s full documentation')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run Rego policy tests (`test_*` rules in `*_test.rego`), like `opa test`')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Evaluate an ad-hoc Rego query against a saved graph')
            [CompletionResult]::new('new-rule', 'new-rule', [CompletionResultType]::ParameterValue, 'Scaffold a new rule and its test in a policy directory')
            [CompletionResult]::new('docs', 'docs', [CompletionResultType]::ParameterValue, 'Write the generated documentation: rule pages (docs/rules/*.md, from METADATA), man pages (docs/man/*.1) and shell completions (docs/completions/), from this CLI')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL (e.g. `ecsaudit completions bash > /etc/bash_completion.d/ecsaudit`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ecsaudit;help;scan' {
            break
        }
        'ecsaudit;help;graph' {
            break
        }
        'ecsaudit;help;collect' {
            break
        }
        'ecsaudit;help;merge' {
            break
        }
        'ecsaudit;help;schema' {
            break
        }
        'ecsaudit;help;rules' {
            break
        }
        'ecsaudit;help;explain' {
            break
        }
        'ecsaudit;help;test' {
            break
        }
        'ecsaudit;help;eval' {
            break
        }
        'ecsaudit;help;new-rule' {
            break
        }
        'ecsaudit;help;docs' {
            break
        }
        'ecsaudit;help;completions' {
            break
        }
        'ecsaudit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
