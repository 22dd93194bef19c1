#!/usr/bin/env bash
# Deployment records for ci/release/deploy.yml: the GitHub deployments and statuses DORA metrics are computed
# from (task deploy:release; payload names the digest, version, previous digest, incident, rollback).
# Needs GH_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_RUN_ID, SERVICE, TARGET_ENV,
# BASE_URL in the environment.
#   record.sh create PAYLOAD_JSON DESCRIPTION   create a deployment, print its id
#   record.sh status ID STATE [DESCRIPTION]     add a status: in_progress, success, failure, error
set -euo pipefail

create() {
  local payload="$1" description="$2" production=false
  [[ "$TARGET_ENV" == production ]] && production=true
  jq -n --arg ref "$GITHUB_SHA" --arg env "$TARGET_ENV" --arg description "$description" \
    --argjson production "$production" --argjson payload "$payload" \
    '{ref: $ref, environment: $env, task: "deploy:release", auto_merge: false, required_contexts: [],
      production_environment: $production, description: $description, payload: $payload}' \
    | gh api -X POST "repos/$GITHUB_REPOSITORY/deployments" --input - --jq .id
}

status() {
  local id="$1" state="$2" description="${3:-}"
  local run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
  gh api -X POST "repos/$GITHUB_REPOSITORY/deployments/$id/statuses" -f state="$state" \
    -f log_url="$run_url" -f environment_url="$BASE_URL" -f description="$description" >/dev/null
}

case "${1:-}" in
  create) create "$2" "$3" ;;
  status) status "$2" "$3" "${4:-}" ;;
  *) echo "usage: record.sh create PAYLOAD_JSON DESCRIPTION | status ID STATE [DESCRIPTION]" >&2; exit 2 ;;
esac
