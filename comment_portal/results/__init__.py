"""The public result table 「意見の概要と市の考え方」 and the receipt lookup (/results)."""
