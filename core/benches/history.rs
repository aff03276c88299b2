//! Reading one page of message history (issue 17 §5): a `ListChatappMessage` answer of 100
//! records, shaped as the sandbox writes them (text and template sends in turn), through the
//! answer's classification and `read_messages`, and the page written again as the JSON the
//! bindings build their records from. What a history listing costs the client per page,
//! apart from HTTP; `bench/history.sh` measures the listing end to end.
//!
//! * `history_page/classify`: the answer's `Code` read and its records counted, not read
//!   (`classify_call`: all a walk's task does with a page before it asks for the next; the
//!   reader reads the records).
//! * `history_page/read`: its records read (`read_messages`).
//! * `history_page/json`: the page written as JSON (`serde_json::to_string`).

use std::hint::black_box;

use chatlane_core::cams::ops::read_messages;
use chatlane_core::cams::response::classify_call;
use chatlane_core::ops::HistoryQuery;
use chatlane_core::transport::HttpResponse;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const RECORDS: usize = 100;

/// An accepted answer of `RECORDS` records.
fn body() -> Vec<u8> {
    let records: Vec<String> = (0..RECORDS)
        .map(|i| {
            let (kind, content, template) = if i % 2 == 0 {
                ("text", r#""hello""#.to_owned(), String::new())
            } else {
                (
                    "template",
                    r#""{\"name\":\"Ada\",\"code\":\"123456\"}""#.to_owned(),
                    r#","TemplateCode":"744c4b5c79c94324","LanguageCode":"en""#.to_owned(),
                )
            };
            format!(
                r#"{{"MessageId":"{i:032x}","ConversationId":"conv-6591234567","BusinessNumber":"8613800000000","UserNumber":"6591234567","ChannelType":"whatsapp","EventAction":"DOWN","Type":"message","MessageType":"{kind}","Message":{content},"MessageStatus":"accepted","MessageStatusName":"Accepted","FailBackFlag":"N"{template},"SendTime":"2026-12-06 11:01:18"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Data":[{}],"Success":true,"RequestId":"0C3E1D2A-6B1F-4C55-9F7E-2B8C1D4E5F60","Code":"OK","Message":"OK"}}"#,
        records.join(",")
    )
    .into_bytes()
}

fn history_page(c: &mut Criterion) {
    let body = body();
    let query = HistoryQuery { page_size: Some(RECORDS as u32), ..HistoryQuery::new("8613800000000") };
    let response = HttpResponse { status: 200, body: body.clone(), ..HttpResponse::default() };
    let page = read_messages(&query, &body).expect("the page reads");
    assert_eq!(page.records.len(), RECORDS);
    let mut group = c.benchmark_group("history_page");
    assert_eq!(classify_call(response.clone()).expect("the page is accepted").listed, Some(RECORDS));
    group.bench_function("classify", |b| {
        b.iter_batched(|| response.clone(), |response| classify_call(black_box(response)), BatchSize::SmallInput)
    });
    group.bench_function("read", |b| b.iter(|| read_messages(&query, black_box(&body))));
    group.bench_function("json", |b| b.iter(|| serde_json::to_string(black_box(&page))));
    group.finish();
}

criterion_group!(benches, history_page);
criterion_main!(benches);
