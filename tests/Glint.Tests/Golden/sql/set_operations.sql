# sources: sales=sales_parquet, customers=customers, segments=segments
-- UNION, INTERSECT and EXCEPT, with and without ALL.

query rows union all
SELECT customer, 'sale' AS kind FROM sales WHERE qty = 7 UNION ALL SELECT customer, 'customer' FROM customers

query rows union removes duplicates including NULLs
SELECT customer FROM sales UNION SELECT customer FROM customers

query rows intersect
SELECT customer FROM sales INTERSECT SELECT customer FROM customers

query rows except
SELECT customer FROM customers EXCEPT SELECT customer FROM sales

query rows intersect all keeps the smaller count
SELECT segment FROM customers INTERSECT ALL SELECT segment FROM segments

query rows except all subtracts counts
SELECT segment FROM customers EXCEPT ALL SELECT segment FROM segments

query ordered union ordered and limited
SELECT customer, credit AS v FROM customers UNION ALL SELECT segment, tier FROM segments ORDER BY v DESC, customer NULLS FIRST LIMIT 12

query rows three-way union with a type widening
SELECT qty AS v FROM sales WHERE id < 20 UNION ALL SELECT tier FROM segments UNION ALL SELECT credit FROM customers
