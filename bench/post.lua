-- wrk: POST a 600-byte form body, like a CAMS send with its parameters in the body.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = string.rep("a", 590) .. "&Type=text"
