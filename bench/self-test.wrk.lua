-- wrk script for bench/http.wrk.sh: every request posts a new five-item self-test report, the same
-- shape as reports.fixture.ts. Each wrk thread numbers its reports from its own range, shifted by
-- BENCH_OFFSET so that a second run posts new reports rather than re-posting (a cheaper 200).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("first", threads * 100000000 + tonumber(os.getenv("BENCH_OFFSET") or "0"))
end

local items = { "procymidone", "chlorpyrifos", "lead", "cadmium", "omethoate" }

function init(args)
  n = first
  company = os.getenv("BENCH_COMPANY")
  headers = {
    ["authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
    ["content-type"] = "application/json",
  }
end

function request()
  n = n + 1
  local product = n % 50
  local results = {}
  for i = 0, 4 do
    results[#results + 1] = string.format('{"itemCode":"%s","value":%.3f,"verdict":"pass"}',
      items[i + 1], 0.001 * (1 + ((n + i) % 9)))
  end
  local body = string.format(
    '{"reportNo":"R%d","companyId":"%s","product":{"code":"P%d","name":"韭菜 %d","category":"leek"},' ..
    '"batchNo":"B%d","productionDate":"2026-10-%02d","lab":{"name":"企业自检实验室"},' ..
    '"testedAt":"2026-10-30T10:00:00+08:00","items":[%s]}',
    n, company, product, product, n % 97, 1 + (n % 28), table.concat(results, ","))
  return wrk.format("POST", "/v1/self-tests", headers, body)
end
