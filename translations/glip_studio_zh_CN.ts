<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BoxItem</name>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
</context>
<context>
    <name>Overlays</name>
    <message>
        <source>fused P3-P7</source>
        <translation>融合 P3-P7</translation>
    </message>
    <message>
        <source>sigmoid(logit), token %1 &apos;%2&apos;, %3</source>
        <translation>词元 %1 &apos;%2&apos; 的得分 sigmoid(logit)，%3</translation>
    </message>
    <message>
        <source>label score &apos;%1&apos; (max of %2 tokens), %3</source>
        <translation>标签得分 &apos;%1&apos;（%2 个词元的最大值），%3</translation>
    </message>
    <message>
        <source>label score &apos;%1&apos; (mean of %2 tokens), %3</source>
        <translation>标签得分 &apos;%1&apos;（%2 个词元的平均值），%3</translation>
    </message>
    <message>
        <source>sigmoid(centerness), %1</source>
        <translation>sigmoid(中心度)，%1</translation>
    </message>
    <message>
        <source>%1 channel %2</source>
        <translation>%1 第 %2 通道</translation>
    </message>
    <message>
        <source>%1 max over %2 channels</source>
        <translation>%1 在 %2 个通道上的最大值</translation>
    </message>
    <message>
        <source>%1 mean over %2 channels</source>
        <translation>%1 在 %2 个通道上的平均值</translation>
    </message>
    <message>
        <source>text-&gt;image attention, layer %1, %2, token %3 &apos;%4&apos;, %5</source>
        <translation>文本→图像注意力，第 %1 层，%2，词元 %3 &apos;%4&apos;，%5</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>各注意力头的平均</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>注意力头 %1</translation>
    </message>
</context>
<context>
    <name>PromptAnalysis</name>
    <message>
        <source>No phrase found: select a phrase in the caption and add it.</source>
        <translation>未找到短语：请在描述中选中一个短语并添加。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>models/catalog.yaml was not found</source>
        <translation>未找到 models/catalog.yaml</translation>
    </message>
    <message>
        <source>%1 — %2 COCO zero-shot AP — %3</source>
        <translation>%1 — COCO 零样本 AP %2 — %3</translation>
    </message>
    <message>
        <source> — installed</source>
        <translation> — 已安装</translation>
    </message>
    <message>
        <source> — resume download (%1 so far)…</source>
        <translation> — 继续下载（已下载 %1）…</translation>
    </message>
    <message>
        <source> — Download…</source>
        <translation> — 下载…</translation>
    </message>
</context>
<context>
    <name>glip::inspect::InspectorDock</name>
    <message>
        <source>Fused (max over levels)</source>
        <translation>融合（各层取最大）</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Centerness</source>
        <translation>中心度</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Box</source>
        <translation>框</translation>
    </message>
    <message>
        <source>Anchors</source>
        <translation>锚框</translation>
    </message>
    <message>
        <source>NMS</source>
        <translation>NMS</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Overlay opacity</source>
        <translation>叠加不透明度</translation>
    </message>
    <message>
        <source>Phrase (label score)</source>
        <translation>短语（标签分数）</translation>
    </message>
    <message>
        <source>Token (sigmoid of its logit)</source>
        <translation>词元（其 logit 的 sigmoid）</translation>
    </message>
    <message>
        <source>Score of</source>
        <translation>分数对象</translation>
    </message>
    <message>
        <source>Phrase / token</source>
        <translation>短语 / 词元</translation>
    </message>
    <message>
        <source>FPN level</source>
        <translation>FPN 层级</translation>
    </message>
    <message>
        <source>Mean over channels</source>
        <translation>通道平均</translation>
    </message>
    <message>
        <source>Max over channels</source>
        <translation>通道最大</translation>
    </message>
    <message>
        <source>One channel</source>
        <translation>单个通道</translation>
    </message>
    <message>
        <source>Top-k channels by energy</source>
        <translation>按能量排序的前 k 个通道</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Channel / k</source>
        <translation>通道 / k</translation>
    </message>
    <message>
        <source>Record attention maps in the next runs (large)</source>
        <translation>在接下来的运行中记录注意力图（数据量大）</translation>
    </message>
    <message>
        <source>Fusion layer</source>
        <translation>融合层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>注意力头</translation>
    </message>
    <message>
        <source>Token (text to image)</source>
        <translation>词元（文本到图像）</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Anchor box</source>
        <translation>锚框</translation>
    </message>
    <message>
        <source>Decoded box</source>
        <translation>解码后的框</translation>
    </message>
    <message>
        <source>Best labels</source>
        <translation>最佳标签</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>候选</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>IoU</source>
        <translation>IoU</translation>
    </message>
    <message>
        <source>Candidate scores (drag the red line to set the threshold)</source>
        <translation>候选分数（拖动红线设置阈值）</translation>
    </message>
    <message>
        <source>Latency per stage</source>
        <translation>各阶段耗时</translation>
    </message>
    <message>
        <source>Layer %1 (dyhead.%2)</source>
        <translation>第 %1 层（dyhead.%2）</translation>
    </message>
    <message>
        <source>Mean of heads</source>
        <translation>各头平均</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>第 %1 个头</translation>
    </message>
    <message>
        <source>Value at (%1, %2): %3</source>
        <translation>(%1, %2) 处的值：%3</translation>
    </message>
    <message>
        <source>No inspection data: run a detection with the inspector open.</source>
        <translation>没有检查数据：请在检查器打开时运行一次检测。</translation>
    </message>
    <message>
        <source>The probed prompt chunk has no tokens.</source>
        <translation>所记录的提示段没有词元。</translation>
    </message>
    <message>
        <source>Each FPN location paints the image pixels it covers (stride 8-128 in the resized image, scaled to the original). %1</source>
        <translation>每个 FPN 位置绘制它覆盖的图像像素（缩放后图像中步长为 8–128，再换算到原图）。%1</translation>
    </message>
    <message>
        <source>The snapshot has no feature maps.</source>
        <translation>快照中没有特征图。</translation>
    </message>
    <message>
        <source>%1: %2 channels, stride %3</source>
        <translation>%1：%2 个通道，步长 %3</translation>
    </message>
    <message>
        <source>Channels by energy (sum of squares): %1</source>
        <translation>按能量（平方和）排序的通道：%1</translation>
    </message>
    <message>
        <source>each tile: its own min..max</source>
        <translation>每个小图：各自的最小值..最大值</translation>
    </message>
    <message>
        <source>The fusion attention was not recorded: tick the box above and run again.</source>
        <translation>未记录融合注意力：请勾选上方的选项后重新运行。</translation>
    </message>
    <message>
        <source>Text to image: how much token %1 attends to each location.</source>
        <translation>文本到图像：词元 %1 对每个位置的注意程度。</translation>
    </message>
    <message>
        <source>attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Bars: image to text attention of P%1 location (%2, %3).</source>
        <translation>柱状图：P%1 层位置 (%2, %3) 的图像到文本注意力。</translation>
    </message>
    <message>
        <source>Click the image for the image to text attention of a location.</source>
        <translation>单击图像以查看某个位置的图像到文本注意力。</translation>
    </message>
    <message>
        <source>No detection to explain.</source>
        <translation>没有可解释的检测结果。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — score %2 = sqrt(label score %3 × centerness %4)&lt;br&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — 分数 %2 = sqrt(标签分数 %3 × 中心度 %4)&lt;br&gt;</translation>
    </message>
    <message>
        <source>FPN level P%1, location (%2, %3) = anchor %4&lt;br&gt;</source>
        <translation>FPN 层级 P%1，位置 (%2, %3) = 锚框 %4&lt;br&gt;</translation>
    </message>
    <message>
        <source>Anchor box %1, decoded box %2&lt;br&gt;</source>
        <translation>锚框 %1，解码后的框 %2&lt;br&gt;</translation>
    </message>
    <message>
        <source>Runner-up labels: %1&lt;br&gt;</source>
        <translation>次优标签：%1&lt;br&gt;</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Suppressed %1 candidates in NMS</source>
        <translation>在 NMS 中抑制了 %1 个候选</translation>
    </message>
    <message>
        <source> (highest IoU %1)</source>
        <translation>（最高 IoU %1）</translation>
    </message>
    <message>
        <source>sigmoid(logit)</source>
        <translation>词元得分 sigmoid(logit)</translation>
    </message>
    <message>
        <source>anchor P%1</source>
        <translation>锚框 P%1</translation>
    </message>
    <message>
        <source>Click a spot on the image: the anchors of every level centred there, their decoded boxes and per-label scores, and why nothing was found there.</source>
        <translation>单击图像上的某一点：显示以该点为中心的各层锚框、解码后的框和各标签分数，以及为什么那里什么也没找到。</translation>
    </message>
    <message>
        <source>%1 candidates: %2 kept (green), %3 suppressed by NMS at IoU &gt; %4 (red), %5 cut by the top-k (grey).</source>
        <translation>%1 个候选：保留 %2 个（绿色），%3 个在 IoU &gt; %4 时被 NMS 抑制（红色），%5 个被 top-k 截断（灰色）。</translation>
    </message>
    <message>
        <source>Detection #%1 suppressed %2 candidates.</source>
        <translation>检测 #%1 抑制了 %2 个候选。</translation>
    </message>
    <message>
        <source>%1 candidates, %2 detections, %3 at or above the threshold %4; total %5 ms.</source>
        <translation>%1 个候选，%2 个检测结果，其中 %3 个不低于阈值 %4；共 %5 毫秒。</translation>
    </message>
    <message>
        <source>P%1: no label has tokens in the probed prompt</source>
        <translation>P%1：探测的提示中没有任何标签有词元</translation>
    </message>
    <message>
        <source>%1, not above the candidate threshold %2</source>
        <translation>%1，未超过候选阈值 %2</translation>
    </message>
    <message>
        <source>%1, not among the level&apos;s top candidates</source>
        <translation>%1，不在该层级的前列候选中</translation>
    </message>
    <message>
        <source>(score %1) suppressed by candidate #%2 (score %3, IoU %4 &gt; %5)</source>
        <translation>（得分 %1）被候选 #%2 抑制（得分 %3，IoU %4 &gt; %5）</translation>
    </message>
    <message>
        <source>(score %1) cut by the per-image top-k</source>
        <translation>（得分 %1）被每张图的 top-k 截断</translation>
    </message>
    <message>
        <source>detected, score %1 below the display threshold %2</source>
        <translation>已检测到，得分 %1 低于显示阈值 %2</translation>
    </message>
    <message>
        <source>is a detection (score %1)</source>
        <translation>是一个检测结果（得分 %1）</translation>
    </message>
    <message>
        <source>Nothing was scored here.</source>
        <translation>这里没有任何得分。</translation>
    </message>
    <message>
        <source>Closest: &apos;%1&apos; on P%2, score %3 (threshold %4).</source>
        <translation>最接近：P%2 上的“%1”，得分 %3（阈值 %4）。</translation>
    </message>
    <message>
        <source>Why was nothing found here?</source>
        <translation>为什么这里什么也没找到？</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出图片…</translation>
    </message>
    <message>
        <source>Save the current view (image, overlay and panel) as a PNG file</source>
        <translation>将当前视图（图像、叠加层和面板）保存为图片文件</translation>
    </message>
    <message>
        <source>Export view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Pick a point with a click on the image (Ctrl+click in the heatmap views)</source>
        <translation>在图像上单击以选取一个点（热图视图中按 Ctrl+单击）</translation>
    </message>
    <message>
        <source>This model has no fusion layers (like GLIP-T (A)): text and image meet only in the final dot product, so there is no fusion attention to show.</source>
        <translation>此模型没有融合层（如 GLIP-T (A)）：文本与图像只在最后的点积中相遇，因此没有可显示的融合注意力。</translation>
    </message>
</context>
<context>
    <name>glip::inspect::LatencyPlot</name>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>preprocess</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>heads</source>
        <translation>检测头</translation>
    </message>
    <message>
        <source>post</source>
        <translation>后处理</translation>
    </message>
</context>
<context>
    <name>glip::inspect::ScoreHistogramPlot</name>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>candidates</source>
        <translation>候选框数</translation>
    </message>
</context>
<context>
    <name>glip::studio::BatchDialog</name>
    <message>
        <source>Batch</source>
        <translation>批量处理</translation>
    </message>
    <message>
        <source>Run the current prompt over every image of the project.</source>
        <translation>对项目中的每张图像运行当前提示。</translation>
    </message>
    <message>
        <source>Images that were edited or reviewed</source>
        <translation>已编辑或已审核的图像</translation>
    </message>
    <message>
        <source>Keep their boxes (skip them)</source>
        <translation>保留其框（跳过这些图像）</translation>
    </message>
    <message>
        <source>Replace their boxes with the model&apos;s</source>
        <translation>用模型的框替换其框</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel batch</source>
        <translation>取消批量处理</translation>
    </message>
    <message>
        <source>Continue with image %1 of %2</source>
        <translation>从第 %1 张图像继续（共 %2 张）</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in the project.</source>
        <translation>
            <numerusform>项目中有 %n 张图像。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 of %2 images: %3</source>
        <translation>第 %1 张，共 %2 张：%3</translation>
    </message>
    <message>
        <source>Time left: about %1</source>
        <translation>剩余时间：约 %1</translation>
    </message>
    <message>
        <source>Cancelled after %1 of %2 images. Resume continues with image %3.</source>
        <translation>已在第 %1 张（共 %2 张）后取消。继续将从第 %3 张开始。</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n image(s).</source>
        <translation>
            <numerusform>完成：%n 张图像。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) could not be processed (marked in the image list).</source>
        <translation>
            <numerusform>%n 张图像无法处理（已在图像列表中标出）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>glip::studio::Box</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
</context>
<context>
    <name>glip::studio::CocoExchange</name>
    <message>
        <source>annotation %1</source>
        <translation>标注 %1</translation>
    </message>
    <message>
        <source>%1 skipped: image %2 does not exist</source>
        <translation>已跳过 %1：图像 %2 不存在</translation>
    </message>
    <message>
        <source>%1 skipped: category %2 does not exist</source>
        <translation>已跳过 %1：类别 %2 不存在</translation>
    </message>
    <message>
        <source>%1 skipped: empty or invalid box</source>
        <translation>已跳过 %1：框为空或无效</translation>
    </message>
    <message>
        <source>Import COCO boxes</source>
        <translation>导入 COCO 框</translation>
    </message>
    <message>
        <source>image %1: unknown status “%2” ignored</source>
        <translation>图像 %1：已忽略未知状态“%2”</translation>
    </message>
</context>
<context>
    <name>glip::studio::DocumentCommand</name>
    <message>
        <source>Add box &quot;%1&quot;</source>
        <translation>添加框“%1”</translation>
    </message>
    <message>
        <source>Delete box &quot;%1&quot;</source>
        <translation>删除框“%1”</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n box(es)</source>
        <translation>
            <numerusform>删除 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Move box &quot;%1&quot;</source>
        <translation>移动框“%1”</translation>
    </message>
    <message numerus="yes">
        <source>Relabel %n box(es) as &quot;%1&quot;</source>
        <translation>
            <numerusform>将 %n 个框的标签改为“%1”</numerusform>
        </translation>
    </message>
    <message>
        <source>Mark as %1</source>
        <translation>标记为%1</translation>
    </message>
</context>
<context>
    <name>glip::studio::DownloadDialog</name>
    <message>
        <source>Download %1</source>
        <translation>下载 %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2 COCO zero-shot AP, about %3)&lt;br&gt;from %4&lt;br&gt;into %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;（COCO 零样本 AP %2，约 %3）&lt;br&gt;来源：%4&lt;br&gt;保存到：%5</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>Also write a slim copy (model weights only: about a quarter of the size, loads faster, the same detections) and use it</source>
        <translation>同时写入精简副本（仅模型权重：约四分之一大小，加载更快，检测结果相同）并使用它</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>Writing the slim copy…</source>
        <translation>正在写入精简副本…</translation>
    </message>
    <message>
        <source>Cancelled. What arrived is kept; download again to resume.</source>
        <translation>已取消。已下载的部分会保留；再次下载即可继续。</translation>
    </message>
    <message>
        <source>Downloaded %1. Verifying (loading every tensor)…</source>
        <translation>已下载 %1。正在校验（加载每个张量）…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>, %1/s</source>
        <translation>，%1/秒</translation>
    </message>
    <message>
        <source>, %1 left</source>
        <translation>，剩余 %1</translation>
    </message>
    <message>
        <source>Installed.</source>
        <translation>已安装。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>glip::studio::FirstRunDialog</name>
    <message>
        <source>Welcome to GLIP Studio</source>
        <translation>欢迎使用 GLIP Studio</translation>
    </message>
    <message>
        <source>&lt;p&gt;No GLIP model is installed yet.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Demo model&lt;/b&gt;: starts at once, but it is a tiny model with random weights: &lt;b&gt;its boxes are random&lt;/b&gt;. Good for trying the studio.&lt;/p&gt;&lt;p&gt;&lt;b&gt;%1&lt;/b&gt;: the released model, for real results. The download can be paused and resumed; you can keep working with the demo model meanwhile.&lt;/p&gt;</source>
        <translation>&lt;p&gt;尚未安装任何 GLIP 模型。&lt;/p&gt;&lt;p&gt;&lt;b&gt;演示模型&lt;/b&gt;：立即可用，但它是随机权重的微型模型：&lt;b&gt;它的框是随机的&lt;/b&gt;。适合试用本软件。&lt;/p&gt;&lt;p&gt;&lt;b&gt;%1&lt;/b&gt;：官方发布的模型，可得到真实结果。下载可以暂停和继续；下载期间可以继续使用演示模型。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Use the demo model</source>
        <translation>使用演示模型</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>下载 %1</translation>
    </message>
</context>
<context>
    <name>glip::studio::ImageDocument</name>
    <message numerus="yes">
        <source>Predict %n box(es)</source>
        <translation>
            <numerusform>预测 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Clear boxes</source>
        <translation>清除框</translation>
    </message>
    <message numerus="yes">
        <source>Move %n box(es)</source>
        <translation>
            <numerusform>移动 %n 个框</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>glip::studio::ImageListModel</name>
    <message numerus="yes">
        <source>%1 — %2, %n box(es)</source>
        <translation>
            <numerusform>%1 — %2，%n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 — cannot be read</source>
        <translation>%1 — 无法读取</translation>
    </message>
</context>
<context>
    <name>glip::studio::ImageState</name>
    <message>
        <source>Unlabeled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>已预测</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
</context>
<context>
    <name>glip::studio::InferenceWorker</name>
    <message>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <source>weights of the configuration</source>
        <translation>配置中指定的权重</translation>
    </message>
    <message>
        <source>GLIP %1/BERT, %2 M parameters, %3, %4</source>
        <translation>GLIP %1/BERT，%2 M 个参数，%3，%4</translation>
    </message>
</context>
<context>
    <name>glip::studio::KeyboardShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Filter by action or key</source>
        <translation>按操作或按键筛选</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Change the shortcuts in Settings.</source>
        <translation>可在“设置”中修改快捷键。</translation>
    </message>
</context>
<context>
    <name>glip::studio::LabelDialog</name>
    <message>
        <source>Relabel box</source>
        <translation>修改框的标签</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Search the labels (a few letters in order are enough):</source>
        <translation>搜索标签（按顺序输入几个字母即可）：</translation>
    </message>
    <message>
        <source>Create label “%1”</source>
        <translation>创建标签“%1”</translation>
    </message>
    <message>
        <source>OK creates the new label “%1”.</source>
        <translation>按“确定”将创建新标签“%1”。</translation>
    </message>
    <message>
        <source>No label matches. To add “%1”, choose “Create label” (Down, then Enter).</source>
        <translation>没有匹配的标签。要添加“%1”，请选择“创建标签”（按向下键，再按回车）。</translation>
    </message>
    <message>
        <source>No label matches.</source>
        <translation>没有匹配的标签。</translation>
    </message>
</context>
<context>
    <name>glip::studio::LabelPanel</name>
    <message>
        <source>Click a label to select its boxes on the image; double-click or F2 to rename it</source>
        <translation>单击标签以在图像上选中其所有框；双击或按 F2 重命名</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Rename the label on every image (a name that already exists merges the two labels)</source>
        <translation>在所有图像上重命名该标签（使用已有的名称会合并这两个标签）</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <source>Choose the colour of the label&apos;s boxes (saved in the project)</source>
        <translation>选择该标签框的颜色（保存在项目中）</translation>
    </message>
    <message>
        <source>Automatic colour</source>
        <translation>自动颜色</translation>
    </message>
    <message>
        <source>Forget the chosen colour: the label gets its automatic colour again</source>
        <translation>清除所选颜色：该标签恢复自动颜色</translation>
    </message>
    <message>
        <source>(no label)</source>
        <translation>（无标签）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) labelled “%1” in the project</source>
        <translation>
            <numerusform>项目中有 %n 个标为“%1”的框</numerusform>
        </translation>
    </message>
    <message>
        <source>Rename label</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <source>New name for “%1” on every image (an existing label&apos;s name merges the two):</source>
        <translation>“%1”在所有图像上的新名称（使用已有标签的名称会合并两者）：</translation>
    </message>
    <message>
        <source>Colour of “%1”</source>
        <translation>“%1”的颜色</translation>
    </message>
</context>
<context>
    <name>glip::studio::MainWindow</name>
    <message>
        <source>&lt;b&gt;Demo model:&lt;/b&gt; its weights are random, so &lt;b&gt;its boxes are random&lt;/b&gt;. For real results download the GLIP-T weights and choose them in Model ▸ Choose model (see &lt;a href=&quot;models/README.md&quot;&gt;models/README.md&lt;/a&gt;).</source>
        <translation>&lt;b&gt;演示模型：&lt;/b&gt;其权重是随机的，因此&lt;b&gt;它给出的框也是随机的&lt;/b&gt;。要得到真实结果，请下载 GLIP-T 权重，并在“模型 ▸ 选择模型”中选择它（参见 &lt;a href=&quot;models/README.md&quot;&gt;models/README.md&lt;/a&gt;）。</translation>
    </message>
    <message>
        <source>Zoom %1%</source>
        <translation>缩放 %1%</translation>
    </message>
    <message>
        <source>Loading model: %1</source>
        <translation>正在加载模型：%1</translation>
    </message>
    <message>
        <source>&amp;Open images…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;folder…</source>
        <translation>打开文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Open &amp;project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Save project &amp;as…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Import COCO annotations…</source>
        <translation>导入 COCO 标注(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Export COCO annotations…</source>
        <translation>导出 COCO 标注(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>&amp;Delete box</source>
        <translation>删除框(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Relabel box…</source>
        <translation>修改标签(&amp;R)…</translation>
    </message>
    <message>
        <source>Mark image as re&amp;viewed</source>
        <translation>将图像标记为已审核(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Select tool</source>
        <translation>选择工具(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Box tool</source>
        <translation>画框工具(&amp;B)</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Next image</source>
        <translation>下一张图像(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous image</source>
        <translation>上一张图像(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Choose model…</source>
        <translation>选择模型(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Run on this image</source>
        <translation>在此图像上运行(&amp;R)</translation>
    </message>
    <message>
        <source>C&amp;ancel</source>
        <translation>取消(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Batch over all images…</source>
        <translation>批量处理所有图像(&amp;B)…</translation>
    </message>
    <message>
        <source>Run &amp;automatically</source>
        <translation>自动运行(&amp;A)</translation>
    </message>
    <message>
        <source>Run the prompt when an unlabeled image is shown or the prompt changes</source>
        <translation>显示未标注图像或提示改变时自动运行提示</translation>
    </message>
    <message>
        <source>How to get &amp;real weights</source>
        <translation>如何获取真实权重(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;About GLIP Studio</source>
        <translation>关于 GLIP Studio(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>阈值：</translation>
    </message>
    <message>
        <source>Minimum score of the boxes shown; changing it re-filters without running GLIP</source>
        <translation>显示的框的最低分数；修改它只会重新筛选，不会重新运行 GLIP</translation>
    </message>
    <message>
        <source>New box label:</source>
        <translation>新框标签：</translation>
    </message>
    <message>
        <source>Label given to boxes drawn with the box tool</source>
        <translation>用画框工具画出的框所用的标签</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Boxes</source>
        <translation>框</translation>
    </message>
    <message>
        <source>&lt;original&gt;</source>
        <translation>&lt;原始状态&gt;</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Cannot read %1</source>
        <translation>无法读取 %1</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>未命名项目</translation>
    </message>
    <message>
        <source>%1[*] — GLIP Studio</source>
        <translation>%1[*] — GLIP Studio</translation>
    </message>
    <message>
        <source>object</source>
        <translation>物体</translation>
    </message>
    <message>
        <source>About GLIP Studio</source>
        <translation>关于 GLIP Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;GLIP Studio&lt;/h3&gt;&lt;p&gt;Ground phrases in images with GLIP (Grounded Language-Image Pre-training), correct the boxes and export COCO annotations.&lt;/p&gt;&lt;p&gt;GLIP runs in process with libtorch.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;GLIP Studio&lt;/h3&gt;&lt;p&gt;用 GLIP（基于语言-图像的定位预训练）在图像中定位短语，修正检测框并导出 COCO 标注。&lt;/p&gt;&lt;p&gt;GLIP 通过 libtorch 在本进程内运行。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>How to get real weights</source>
        <translation>如何获取真实权重</translation>
    </message>
    <message>
        <source>&lt;p&gt;The bundled demo model has random weights: its boxes mean nothing.&lt;/p&gt;&lt;p&gt;Download &lt;b&gt;glip_tiny_model_o365_goldg.pth&lt;/b&gt; (GLIP-T) from the GLIP authors&apos; Hugging Face page, put it next to &lt;b&gt;models/glip_Swin_T_O365_GoldG.yaml&lt;/b&gt; and choose that configuration in Model ▸ Choose model.&lt;/p&gt;&lt;p&gt;Details: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;随附的演示模型权重是随机的：它给出的框没有意义。&lt;/p&gt;&lt;p&gt;请从 GLIP 作者的 Hugging Face 页面下载 &lt;b&gt;glip_tiny_model_o365_goldg.pth&lt;/b&gt;（GLIP-T），放在 &lt;b&gt;models/glip_Swin_T_O365_GoldG.yaml&lt;/b&gt; 旁边，然后在“模型 ▸ 选择模型”中选择该配置。&lt;/p&gt;&lt;p&gt;详情：%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Cannot import %1: %2</source>
        <translation>无法导入 %1：%2</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) opened</source>
        <translation>
            <numerusform>已打开 %n 张图像</numerusform>
        </translation>
    </message>
    <message>
        <source>Open images</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>图像 (%1)</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>GLIP Studio project (*.glipstudio)</source>
        <translation>GLIP Studio 项目 (*.glipstudio)</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>An autosave newer than the project exists. Recover it?</source>
        <translation>存在比项目文件更新的自动保存。要恢复它吗？</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The project has unsaved changes. Save them?</source>
        <translation>项目有未保存的更改。要保存吗？</translation>
    </message>
    <message>
        <source>Import COCO annotations</source>
        <translation>导入 COCO 标注</translation>
    </message>
    <message>
        <source>COCO JSON (*.json)</source>
        <translation>COCO JSON (*.json)</translation>
    </message>
    <message>
        <source>Imported %1 boxes on %2 images</source>
        <translation>已在 %2 张图像上导入 %1 个框</translation>
    </message>
    <message>
        <source>Export COCO annotations</source>
        <translation>导出 COCO 标注</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Write at least one category.</source>
        <translation>请至少写一个类别。</translation>
    </message>
    <message>
        <source>Write a caption.</source>
        <translation>请写一句描述。</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>&lt;b&gt;No model:&lt;/b&gt; the bundled demo model (models/demo) was not found.</source>
        <translation>&lt;b&gt;无模型：&lt;/b&gt;找不到随附的演示模型（models/demo）。</translation>
    </message>
    <message>
        <source>Demo model (random boxes)</source>
        <translation>演示模型（随机框）</translation>
    </message>
    <message>
        <source>Model ready: %1</source>
        <translation>模型已就绪：%1</translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;The demo model could not be loaded:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;无法加载演示模型：&lt;/b&gt;%1</translation>
    </message>
    <message>
        <source>Cached result: no inference needed</source>
        <translation>已缓存的结果：无需推理</translation>
    </message>
    <message>
        <source>Running GLIP on %1…</source>
        <translation>正在对 %1 运行 GLIP…</translation>
    </message>
    <message>
        <source>%1 s (image %2 ms, text %3 ms, fusion %4 ms)</source>
        <translation>%1 秒（图像 %2 毫秒，文本 %3 毫秒，融合 %4 毫秒）</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>GLIP failed: %1</source>
        <translation>GLIP 运行失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) above the threshold</source>
        <translation>
            <numerusform>%n 个框高于阈值</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Batch cancelled at image %1 of %2</source>
        <translation>批量处理已在第 %1 张（共 %2 张）处取消</translation>
    </message>
    <message numerus="yes">
        <source>Batch done: %n image(s)</source>
        <translation>
            <numerusform>批量处理完成：%n 张图像</numerusform>
        </translation>
    </message>
    <message>
        <source>Recording the inspector&apos;s data for %1…</source>
        <translation>正在为 %1 记录检查器数据…</translation>
    </message>
    <message>
        <source>Select &amp;all boxes</source>
        <translation>选择全部框(&amp;A)</translation>
    </message>
    <message>
        <source>Cannot read %1:
%2</source>
        <translation>无法读取 %1：
%2</translation>
    </message>
    <message>
        <source>Open images (%1) or a folder (%2), or drop image files and folders here.</source>
        <translation>打开图像（%1）或文件夹（%2），或将图像文件和文件夹拖放到这里。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) could not be read and were left out:</source>
        <translation>
            <numerusform>%n 张图像无法读取，未导出：</numerusform>
        </translation>
    </message>
    <message>
        <source>none of the images can be read</source>
        <translation>没有一张图像可以读取</translation>
    </message>
    <message>
        <source>the project has no images</source>
        <translation>项目中没有图像</translation>
    </message>
    <message>
        <source>%1 could not be loaded: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 could not be loaded&lt;/b&gt; (%2). The bundled &lt;b&gt;demo model&lt;/b&gt; is used instead: &lt;b&gt;its boxes are random&lt;/b&gt;. See &lt;a href=&quot;models/README.md&quot;&gt;models/README.md&lt;/a&gt; for the real weights.</source>
        <translation>&lt;b&gt;无法加载 %1&lt;/b&gt;（%2）。现改用随附的&lt;b&gt;演示模型&lt;/b&gt;：&lt;b&gt;它的框是随机的&lt;/b&gt;。真实权重请参见 &lt;a href=&quot;models/README.md&quot;&gt;models/README.md&lt;/a&gt;。</translation>
    </message>
    <message>
        <source>Model stages run: %1</source>
        <translation>已运行的模型阶段：%1</translation>
    </message>
    <message>
        <source>GLIP runs in three stages: image encoding (Swin + FPN), text encoding (BERT) and fusion with the detection head. Each computed stage counts once; stages answered from the cache do not. A new image costs 3, a new prompt on the same image 2, a threshold change 0.</source>
        <translation>GLIP 分三个阶段运行：图像编码（Swin + FPN）、文本编码（BERT）以及与检测头的融合。每个实际计算的阶段计一次，由缓存给出的阶段不计。新图像计 3 次，同一图像上的新提示计 2 次，改变阈值计 0 次。</translation>
    </message>
    <message>
        <source>Batch: %1</source>
        <translation>批量处理：%1</translation>
    </message>
    <message>
        <source>a batch is already running</source>
        <translation>已有批量处理在运行</translation>
    </message>
    <message>
        <source>no model is loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message numerus="yes">
        <source>, %n failed (see the image list)</source>
        <translation>
            <numerusform>，%n 张失败（见图像列表）</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;New project</source>
        <translation>新建项目(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Close project</source>
        <translation>关闭项目(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Copy boxes</source>
        <translation>复制框(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste boxes</source>
        <translation>粘贴框(&amp;P)</translation>
    </message>
    <message>
        <source>Show &amp;boxes</source>
        <translation>显示框(&amp;B)</translation>
    </message>
    <message>
        <source>Show &amp;labels</source>
        <translation>显示标签(&amp;L)</translation>
    </message>
    <message>
        <source>Next &amp;unreviewed image</source>
        <translation>下一张未审核图像(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Recent projects</source>
        <translation>最近的项目(&amp;R)</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) copied</source>
        <translation>
            <numerusform>已复制 %n 个框</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Paste %n box(es)</source>
        <translation>
            <numerusform>粘贴 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Every image is reviewed</source>
        <translation>所有图像都已审核</translation>
    </message>
    <message>
        <source>Image %1 / %2 · %3 reviewed</source>
        <translation>图像 %1 / %2 · 已审核 %3 张</translation>
    </message>
    <message>
        <source>Search file names</source>
        <translation>搜索文件名</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Unlabeled</source>
        <translation>未标注</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>已预测</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>Show only the images with this status</source>
        <translation>只显示处于此状态的图像</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Run at &amp;full size</source>
        <translation>以完整尺寸运行(&amp;F)</translation>
    </message>
    <message>
        <source>Run on this image at the model&apos;s own size, replacing a preview result (Settings ▸ Preview size)</source>
        <translation>以模型自身的尺寸在此图像上运行，替换预览结果（设置 ▸ 预览尺寸）</translation>
    </message>
    <message>
        <source>Preview %1 px: %2</source>
        <translation>预览 %1 像素：%2</translation>
    </message>
    <message>
        <source>Preview %1 px</source>
        <translation>预览 %1 像素</translation>
    </message>
    <message>
        <source>These boxes come from a run at the preview size (shorter side %1 px): faster, less precise. Model ▸ Run at full size runs at the model&apos;s size.</source>
        <translation>这些框来自预览尺寸（短边 %1 像素）的运行：更快，但精度较低。“模型 ▸ 以完整尺寸运行”以模型的尺寸运行。</translation>
    </message>
    <message>
        <source>No model named %1 in the catalogue</source>
        <translation>模型目录中没有名为 %1 的模型</translation>
    </message>
    <message>
        <source>Installed: %1</source>
        <translation>已安装：%1</translation>
    </message>
    <message>
        <source>Recover &amp;unsaved work…</source>
        <translation>恢复未保存的工作(&amp;U)…</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <source>There is no unsaved work to recover.</source>
        <translation>没有可恢复的未保存工作。</translation>
    </message>
    <message>
        <source>Recover unsaved work (%1 of %2)</source>
        <translation>恢复未保存的工作（第 %1 个，共 %2 个）</translation>
    </message>
    <message>
        <source>GLIP Studio closed without saving this work (autosaved %1): %2, %3.</source>
        <translation>GLIP Studio 关闭时未保存这些工作（自动保存于 %1）：%2，%3。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n box(es)</source>
        <translation>
            <numerusform>%n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>An autosave from %1 cannot be read: %2</source>
        <translation>无法读取 %1 的自动保存：%2</translation>
    </message>
    <message>
        <source>Recover it?</source>
        <translation>要恢复吗？</translation>
    </message>
    <message>
        <source>Discard it?</source>
        <translation>要丢弃吗？</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>%1 is in use by another GLIP Studio</source>
        <translation>%1 正被另一个 GLIP Studio 使用</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n image(s); save the project to keep them</source>
        <translation>
            <numerusform>已恢复 %n 张图像；请保存项目以保留它们</numerusform>
        </translation>
    </message>
    <message>
        <source>Autosave failed</source>
        <translation>自动保存失败</translation>
    </message>
    <message>
        <source>%1
Until an autosave succeeds, a crash loses the changes made since the last save. Save the project (File ▸ Save project as…) where it can be written.</source>
        <translation>%1
在自动保存成功之前，崩溃会丢失上次保存以来的更改。请将项目保存到可写入的位置（文件 ▸ 项目另存为…）。</translation>
    </message>
    <message>
        <source>Autosave failed: %1</source>
        <translation>自动保存失败：%1</translation>
    </message>
    <message>
        <source>Autosave works again</source>
        <translation>自动保存已恢复正常</translation>
    </message>
</context>
<context>
    <name>glip::studio::ModelDialog</name>
    <message>
        <source>Choose model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Configuration (YAML):</source>
        <translation>配置（YAML）：</translation>
    </message>
    <message>
        <source>MODEL.WEIGHT of the configuration</source>
        <translation>配置中的 MODEL.WEIGHT</translation>
    </message>
    <message>
        <source>Weights (.pth):</source>
        <translation>权重（.pth）：</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (GPU)</source>
        <translation>CUDA（GPU）</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Without real weights GLIP Studio uses the bundled demo model, whose boxes are random. See models/README.md for the official GLIP checkpoints.</source>
        <translation>没有真实权重时，GLIP Studio 使用随附的演示模型，其框是随机的。官方 GLIP 权重请参见 models/README.md。</translation>
    </message>
    <message>
        <source>GLIP configuration</source>
        <translation>GLIP 配置</translation>
    </message>
    <message>
        <source>GLIP configuration (*.yaml *.yml)</source>
        <translation>GLIP 配置 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>GLIP weights</source>
        <translation>GLIP 权重</translation>
    </message>
    <message>
        <source>PyTorch checkpoint (*.pth *.pt)</source>
        <translation>PyTorch 权重文件 (*.pth *.pt)</translation>
    </message>
    <message>
        <source>fp32 (reference)</source>
        <translation>fp32（参考精度）</translation>
    </message>
    <message>
        <source>Not available here: %1</source>
        <translation>此处不可用：%1</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <source>bf16 (faster on the CPU)</source>
        <translation>bf16（CPU 上更快）</translation>
    </message>
    <message>
        <source>bf16 runs the heavy layers (FPN, the fusion head) with bfloat16 inputs and fp32 sums: GLIP-T runs about 1.25× as fast on CPUs with AVX512-BF16 or AMX, with slightly different scores (docs/PERFORMANCE.md). fp32 gives the official model&apos;s results.</source>
        <translation>bf16 以 bfloat16 输入和 fp32 累加运行计算量大的层（FPN、融合头）：在支持 AVX512-BF16 或 AMX 的 CPU 上 GLIP-T 约快 1.25 倍，分数略有不同（见 docs/PERFORMANCE.md）。fp32 给出官方模型的结果。</translation>
    </message>
</context>
<context>
    <name>glip::studio::Project</name>
    <message>
        <source>the project has no file name yet</source>
        <translation>项目还没有文件名</translation>
    </message>
    <message>
        <source>cannot create the recovery folder &apos;%1&apos;</source>
        <translation>无法创建恢复文件夹“%1”</translation>
    </message>
    <message>
        <source>there is no autosave to recover</source>
        <translation>没有可恢复的自动保存</translation>
    </message>
    <message>
        <source>the recovery file &apos;%1&apos; is in use by another running GLIP Studio</source>
        <translation>恢复文件“%1”正被另一个运行中的 GLIP Studio 使用</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a recovery file of an untitled project</source>
        <translation>“%1”不是未命名项目的恢复文件</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is this project&apos;s own recovery file</source>
        <translation>“%1”是本项目自己的恢复文件</translation>
    </message>
</context>
<context>
    <name>glip::studio::ProjectFile</name>
    <message>
        <source>: must be an array</source>
        <translation>：必须是数组</translation>
    </message>
    <message>
        <source>: &apos;rect&apos; must be [x1, y1, x2, y2]</source>
        <translation>：“rect”必须是 [x1, y1, x2, y2]</translation>
    </message>
    <message>
        <source>: &apos;label&apos; must be a string</source>
        <translation>：“label”必须是字符串</translation>
    </message>
    <message>
        <source>: &apos;provenance&apos; must be &quot;model&quot;, &quot;manual&quot; or &quot;edited&quot;</source>
        <translation>：“provenance”必须是 &quot;model&quot;、&quot;manual&quot; 或 &quot;edited&quot;</translation>
    </message>
    <message>
        <source>invalid JSON at byte %1: %2</source>
        <translation>第 %1 字节处的 JSON 无效：%2</translation>
    </message>
    <message>
        <source>not a GLIP Studio project (&quot;format&quot;: &quot;glip-studio-project&quot; missing)</source>
        <translation>不是 GLIP Studio 项目（缺少 &quot;format&quot;: &quot;glip-studio-project&quot;）</translation>
    </message>
    <message>
        <source>missing or invalid &quot;version&quot;</source>
        <translation>&quot;version&quot; 缺失或无效</translation>
    </message>
    <message>
        <source>the project was written by a newer GLIP Studio (file format version %1, this one reads %2)</source>
        <translation>该项目由更新版本的 GLIP Studio 写入（文件格式版本 %1，本版本读取 %2）</translation>
    </message>
    <message>
        <source>: needs a non-empty &apos;path&apos;</source>
        <translation>：需要非空的“path”</translation>
    </message>
    <message>
        <source>: unknown &apos;status&apos;</source>
        <translation>：未知的“status”</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
    <message>
        <source>cannot open &apos;%1&apos;: %2</source>
        <translation>无法打开“%1”：%2</translation>
    </message>
</context>
<context>
    <name>glip::studio::PromptPanel</name>
    <message>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Describe what to find, e.g. “a cat sitting on a red sofa”</source>
        <translation>用英文描述要找的东西，例如 “a cat sitting on a red sofa”</translation>
    </message>
    <message>
        <source>Add selected phrase</source>
        <translation>添加选中的短语</translation>
    </message>
    <message>
        <source>Select words in the caption, then add them as a phrase to ground</source>
        <translation>在描述中选中词语，然后将其添加为要定位的短语</translation>
    </message>
    <message>
        <source>Automatic phrases</source>
        <translation>自动短语</translation>
    </message>
    <message>
        <source>Forget the selected phrases and let GLIP Studio find the noun phrases</source>
        <translation>忘记已选的短语，让 GLIP Studio 自动找出名词短语</translation>
    </message>
    <message>
        <source>One label per line, e.g.
person
bicycle
traffic light</source>
        <translation>每行一个英文标签，例如：
person
bicycle
traffic light</translation>
    </message>
    <message>
        <source>Labels GLIP will look for:</source>
        <translation>GLIP 将查找的标签：</translation>
    </message>
    <message>
        <source>Tokens (what GLIP reads):</source>
        <translation>词元（GLIP 读到的内容）：</translation>
    </message>
    <message>
        <source>%1 → %2 (cleaned by GLIP)</source>
        <translation>%1 → %2（经 GLIP 清理）</translation>
    </message>
    <message>
        <source>%1 (automatic)</source>
        <translation>%1（自动）</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s) in %1 chunks</source>
        <translation>
            <numerusform>%n 个词元，分为 %1 段</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>GLIP cannot read: %1 (shown as [UNK])</source>
        <translation>GLIP 无法读取：%1（显示为 [UNK]）</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s) past the %1-token limit are not read</source>
        <translation>
            <numerusform>超出 %1 词元上限的 %n 个词元不会被读取</numerusform>
        </translation>
    </message>
    <message>
        <source>GLIP: %1</source>
        <translation>GLIP：%1</translation>
    </message>
</context>
<context>
    <name>glip::studio::PromptSpec</name>
    <message>
        <source>&apos;caption&apos; must be a string</source>
        <translation>“caption”必须是字符串</translation>
    </message>
    <message>
        <source>&apos;labels&apos; must be an array</source>
        <translation>“labels”必须是数组</translation>
    </message>
    <message>
        <source>labels[%1] needs a string &apos;name&apos;</source>
        <translation>labels[%1] 需要字符串“name”</translation>
    </message>
    <message>
        <source>labels[%1]: spans must be [begin, end] pairs</source>
        <translation>labels[%1]：spans 必须是 [begin, end] 对</translation>
    </message>
</context>
<context>
    <name>glip::studio::ReleasedModelsMenu</name>
    <message>
        <source>&amp;Released models</source>
        <translation>已发布的模型(&amp;R)</translation>
    </message>
    <message>
        <source>No model catalogue: %1</source>
        <translation>没有模型目录：%1</translation>
    </message>
    <message>
        <source>Models folder: %1</source>
        <translation>模型文件夹：%1</translation>
    </message>
</context>
<context>
    <name>glip::studio::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>界面语言（重启后生效）：</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Autosave every:</source>
        <translation>自动保存间隔：</translation>
    </message>
    <message>
        <source>Batch runs replace the boxes of edited and reviewed images</source>
        <translation>批量处理时替换已编辑和已审核图像的框</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>%1 is used by both “%2” and “%3”.</source>
        <translation>%1 同时被“%2”和“%3”使用。</translation>
    </message>
    <message>
        <source>Shortcuts: click a field under “Press keys” and press the keys, or type them (several separated by “; ”). Empty means no shortcut.</source>
        <translation>快捷键：点击“按下按键”列中的输入框后按下按键，或直接输入（多个之间用“; ”分隔）。留空表示没有快捷键。</translation>
    </message>
    <message>
        <source>Press keys</source>
        <translation>按下按键</translation>
    </message>
    <message>
        <source>Press the new shortcut of “%1”</source>
        <translation>按下“%1”的新快捷键</translation>
    </message>
    <message>
        <source>“%1” is not a valid shortcut (row “%2”).</source>
        <translation>“%1”不是有效的快捷键（“%2”一行）。</translation>
    </message>
    <message>
        <source>Off (model size)</source>
        <translation>关闭（模型尺寸）</translation>
    </message>
    <message>
        <source>%1 px</source>
        <translation>%1 像素</translation>
    </message>
    <message>
        <source>Preview size:</source>
        <translation>预览尺寸：</translation>
    </message>
    <message>
        <source>Single-image runs resize the image so that its shorter side has this size instead of the model&apos;s own size: faster, but less precise (small objects may be missed). Model ▸ Run at full size gives the model&apos;s result. Batches always run at the model&apos;s size, and so does a preview size that is not smaller than the model&apos;s own.</source>
        <translation>对单张图像运行时，将图像缩放到短边为此尺寸，而不是模型自身的尺寸：更快，但精度较低（可能漏检小物体）。“模型 ▸ 以完整尺寸运行”给出模型的结果。批量处理始终以模型的尺寸运行；不小于模型自身尺寸的预览尺寸也以模型的尺寸运行。</translation>
    </message>
    <message>
        <source>Seconds after a change until it is written to the autosave file: at most this much work is lost if the studio crashes. Off: nothing is autosaved.</source>
        <translation>更改后写入自动保存文件前等待的秒数：若程序崩溃，最多丢失这段时间内的工作。关闭：不自动保存。</translation>
    </message>
</context>
<context>
    <name>glip::studio::TokenChipsWidget</name>
    <message>
        <source>chunk %1 ▸</source>
        <translation>第 %1 段 ▸</translation>
    </message>
    <message>
        <source>✂ past %1 tokens, not read:</source>
        <translation>✂ 超出 %1 个词元，不会读取：</translation>
    </message>
    <message>
        <source>GLIP cannot read this word: “%1”</source>
        <translation>GLIP 无法读取这个词：“%1”</translation>
    </message>
    <message>
        <source>Past the %1-token limit: GLIP does not read “%2”</source>
        <translation>超出 %1 词元上限：GLIP 不会读取“%2”</translation>
    </message>
    <message>
        <source>Token “%1” from “%2”</source>
        <translation>词元“%1”，来自“%2”</translation>
    </message>
    <message>
        <source>Label: %1</source>
        <translation>标签：%1</translation>
    </message>
</context>
</TS>
