"""Topic matching for German (and English) news: lexicon, free queries, one index for all."""
