# sources: sales=sales_parquet, customers=customers
-- NULL semantics, CASE, casts, date functions, ORDER BY across partitions with LIMIT and OFFSET.

query rows comparisons with NULL
SELECT count(*) FILTER (WHERE customer = NULL) AS eq_null, count(*) FILTER (WHERE customer IS NULL) AS is_null,
       count(*) FILTER (WHERE customer IS DISTINCT FROM 'c1') AS distinct_from, count(*) FILTER (WHERE NOT (amount > 500)) AS not_gt
FROM sales

query rows CASE, coalesce and nullif
SELECT id, CASE WHEN amount IS NULL THEN 'none' WHEN amount > 500 THEN 'high' ELSE 'low' END AS band,
       coalesce(note, customer, 'n/a') AS label, nullif(qty, 0) AS q
FROM sales WHERE id % 7 = 0

query rows casts and date functions
SELECT id, CAST(amount AS INTEGER) AS whole, ts::DATE AS d, strftime(ts, '%Y-%m') AS month, date_diff('day', DATE '2024-01-01', day) AS age,
       day + INTERVAL 1 WEEK AS next_week, extract(hour FROM ts) AS hour
FROM sales WHERE qty = 1 AND customer LIKE 'c1%'

query ordered top ten by amount with ties broken
SELECT id, customer, amount FROM sales ORDER BY amount DESC NULLS LAST, id LIMIT 10

query ordered NULLs first across partitions
SELECT id, amount FROM sales WHERE qty = 3 ORDER BY amount NULLS FIRST, id LIMIT 25

query ordered offset after a descending order
SELECT id, ts FROM sales ORDER BY ts DESC, id DESC LIMIT 7 OFFSET 40

query ordered order by an expression not selected
SELECT id, customer FROM sales WHERE qty = 6 ORDER BY amount * qty DESC NULLS LAST, id LIMIT 15

query ordered distinct then ordered
SELECT DISTINCT customer, region FROM sales WHERE customer < 'c2' ORDER BY customer NULLS FIRST, region

query ordered full order of a join
SELECT c.segment, s.id, s.amount FROM sales s JOIN customers c USING (customer) WHERE s.qty = 7 ORDER BY c.segment, s.amount DESC NULLS LAST, s.id

query rows partition pruning on the day folders
SELECT day, count(*) AS n, sum(amount) AS total FROM sales WHERE day IN (DATE '2024-01-02', DATE '2024-01-04') GROUP BY day

query rows string functions and LIKE
SELECT customer, length(customer) AS len, regexp_replace(note, '[0-9]+', '#') AS shape, upper(left(region, 1)) AS r
FROM sales WHERE note LIKE 'note 1%' AND customer ILIKE 'C4%'
