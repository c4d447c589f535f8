# sources: sales=sales_parquet, customers=customers
-- Window functions, frames and QUALIFY.

query rows first two sales per customer with QUALIFY
SELECT customer, id, ts FROM sales QUALIFY row_number() OVER (PARTITION BY customer ORDER BY ts, id) <= 2

query rows running sum over a rows frame
SELECT id, customer, sum(qty) OVER (PARTITION BY customer ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running FROM sales

query rows rank within a day
SELECT id, day, rank() OVER (PARTITION BY day ORDER BY amount DESC NULLS LAST) AS r FROM sales WHERE qty = 3

query rows lag and lead
SELECT id, customer, lag(amount) OVER (PARTITION BY customer ORDER BY id) AS prev, lead(id, 2) OVER (PARTITION BY customer ORDER BY id) AS next2 FROM sales

query rows window over an aggregate
SELECT region, day, sum(amount) AS total, rank() OVER (PARTITION BY region ORDER BY sum(amount) DESC) AS r FROM sales GROUP BY region, day

query rows windows with different partitions
SELECT id, sum(amount) OVER (PARTITION BY customer) AS by_customer, count(*) OVER (PARTITION BY day) AS by_day FROM sales WHERE qty > 5

query rows window over everything
SELECT id, ntile(4) OVER (ORDER BY id) AS quartile FROM sales

query rows qualify on a select alias
SELECT customer, day, id, row_number() OVER (PARTITION BY customer, day ORDER BY amount DESC NULLS LAST, id) AS rn FROM sales QUALIFY rn = 1

query rows range frame over time
SELECT id, sum(qty) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) AS day_qty FROM sales

query rows window with a frame over a join
SELECT c.segment, s.id, avg(s.amount) OVER (PARTITION BY c.segment ORDER BY s.id ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS smooth
FROM sales s JOIN customers c USING (customer) WHERE s.qty = 1
