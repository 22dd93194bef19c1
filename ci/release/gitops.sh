#!/usr/bin/env bash
# GitOps helpers for ci/release/deploy.yml: set image.digest in the values file ArgoCD watches, and wait
# until ArgoCD runs it. Needs GH_TOKEN, GITHUB_REPOSITORY, RUNNER_TEMP, VALUES_FILE, SERVICE, TARGET_ENV,
# ARGOCD_SERVER and ARGOCD_AUTH_TOKEN in the environment (the workflow sets them; tokens are never echoed).
#   gitops.sh current              print the digest the values file holds now (empty if none)
#   gitops.sh set DIGEST MESSAGE   commit DIGEST as image.digest through the contents API
#   gitops.sh wait DIGEST          poll ArgoCD for up to 10 minutes: Synced, Healthy, running DIGEST
set -euo pipefail

DIGEST_LINE='s/^[[:space:]]*digest:[[:space:]]*"\{0,1\}\(sha256:[0-9a-f]\{64\}\)"\{0,1\}.*/\1/p'

current() {
  gh api "repos/$GITHUB_REPOSITORY/contents/$VALUES_FILE" --jq .content | base64 -d | sed -n "$DIGEST_LINE" | head -n 1
}

set_digest() {
  local digest="$1" message="$2" file sha
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "::error::not a digest: $digest"; return 1; }
  file="$(gh api "repos/$GITHUB_REPOSITORY/contents/$VALUES_FILE")"
  sha="$(jq -r .sha <<<"$file")"
  jq -r .content <<<"$file" | base64 -d \
    | sed "s/^\([[:space:]]*digest:[[:space:]]*\).*/\1\"$digest\"/" >"$RUNNER_TEMP/values.yaml"
  grep -q "digest: \"$digest\"" "$RUNNER_TEMP/values.yaml" \
    || { echo "::error::no image digest key in $VALUES_FILE"; return 1; }
  gh api -X PUT "repos/$GITHUB_REPOSITORY/contents/$VALUES_FILE" -f message="$message" -f sha="$sha" \
    -f content="$(base64 -w0 "$RUNNER_TEMP/values.yaml")" >/dev/null
}

wait_for() {
  local digest="$1" app="$SERVICE-$TARGET_ENV" state
  for _ in $(seq 60); do
    state="$(curl -fsS -H "Authorization: Bearer $ARGOCD_AUTH_TOKEN" "$ARGOCD_SERVER/api/v1/applications/$app" \
      | jq -r --arg d "$digest" '[.status.sync.status, .status.health.status,
          (any(.status.summary.images[]?; endswith($d)) | tostring)] | join(" ")')" || state="unreachable"
    echo "$app: $state"
    [[ "$state" == "Synced Healthy true" ]] && return 0
    sleep 10
  done
  echo "::error::$app did not become Synced, Healthy and running $digest within 10 minutes"
  return 1
}

case "${1:-}" in
  current) current ;;
  set) set_digest "$2" "$3" ;;
  wait) wait_for "$2" ;;
  *) echo "usage: gitops.sh current | set DIGEST MESSAGE | wait DIGEST" >&2; exit 2 ;;
esac
