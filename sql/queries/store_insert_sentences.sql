-- Sentence offsets of the batch's articles (Arrow table batch_sentences).
INSERT INTO sentences (article_id, idx, start_char, end_char)
SELECT article_id, idx, start_char, end_char FROM batch_sentences
ON CONFLICT DO NOTHING;
