"""Running the bot, not answering: the query log and its write-behind journal, metrics, content reload, logging
and the golden-query evaluation. Platform-neutral: nothing here imports an adapter or a platform library."""
