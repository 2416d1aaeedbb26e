-- Claims of a batch (Arrow table batch_claims); claim_id is a content hash, so a claim seen before is kept.
INSERT INTO claims (
    claim_id, actor, actor_status, speaker, speaker_text, stance, polarity, topic, evidence, quote,
    speech, via, condition, said_on, confidence, rules, kind, from_stance
)
SELECT
    claim_id, actor, actor_status, speaker, speaker_text, stance, polarity, topic, evidence, quote,
    speech, via, condition, said_on, confidence, rules::JSON, kind, from_stance
FROM batch_claims
ON CONFLICT DO NOTHING;
