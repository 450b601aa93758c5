<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR">
<context>
    <name>App</name>
    <message>
        <source>an unsaved design</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cnnstudio did not close cleanly. Unsaved changes to {origin} (&quot;{name}&quot;, autosaved {when}) can be restored.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <source>Drag to an input port to connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unfold {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ungroup {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Freeze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fold {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect {src} from {dst}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit to view</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Input</source>
        <extracomment>Whether the palette offers this group&apos;s types (imported opaque blocks are not drawn by hand). The layer groups in palette order; a spec&apos;s ``group`` is one of their keys.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Convolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dense</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reshape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data entering the network: C x H x W for images, C x L for sequences, F for vectors.</source>
        <extracomment>``(key, title)`` of every group the palette lists, in palette order. Every layer type by name, in palette order (registration order, see :func:`register`). Start of the ids of new layers of this type (``conv`` -&gt; conv1, conv2); the lowercased type when empty. The canvas and the templates name layers with it. A weight-free, value-by-value map (activations, Dropout): the output has the input&apos;s shape and meaning, so e.g. ``templates.adapt`` looks through it for the classifier.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input size without the batch axis: [C, H, W], [C, L] or [F].</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slides learned filters over the input; each filter gives one output channel (2-D on images, 1-D on sequences).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of filters (output channels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter size f per spatial axis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step s between filter positions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zeros p added on each side; &quot;same&quot; keeps the size (stride 1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spacing between filter taps (atrous convolution).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split channels into groups (depthwise when = channels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learn one bias per filter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window size per spatial axis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step between windows; empty means the kernel size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Padding on each side (at most half the kernel).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Round the output size up (a last partial window counts).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keeps the largest value of each window: downsamples and adds a little shift tolerance.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Averages each window: a smooth downsampling (padding zeros count in the average).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keeps the smallest value of each window (computed as -maxpool(-x)).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Averages each channel over all positions: C x H x W -&gt; C (the modern Flatten).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Takes each channel&apos;s maximum over all positions: C x H x W -&gt; C.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fully connected layer: every output is a weighted sum of all inputs (nn.Linear).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of output units.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learn one bias per output unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unrolls all axes into one vector (C x H x W -&gt; C*H*W) so a Dense layer can follow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>While training, zeroes each value with probability p (and scales the rest by 1/(1-p)).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability of dropping a value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Normalizes each channel over the batch, then scales and shifts it (gamma, beta).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added to the variance for numerical stability.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weight of the newest batch in the running statistics.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>max(0, x): passes positives, zeroes negatives.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x for positives, a small slope times x for negatives (no dead units).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slope for negative inputs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x for positives, alpha * (e^x - 1) for negatives: smooth and zero-centred.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saturation value for negative inputs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x * Phi(x): a smooth ReLU used by transformers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 / (1 + e^-x): squashes to (0, 1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tanh(x): squashes to (-1, 1), zero-centred.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e^x / sum(e^x) along one axis: turns scores into probabilities that sum to 1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Axis to normalize (0 = features of a vector, channels of an image).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adds its inputs elementwise (a ResNet skip connection); all must have the same shape.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stacks its inputs along one axis (channels by default), as Inception branches are joined.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Axis to join along (0 = channels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x * sigmoid(x) (swish): the smooth activation of EfficientNet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x * ReLU6(x + 3) / 6: a cheap swish, used by MobileNetV3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ReLU6(x + 3) / 6: a cheap sigmoid, the gate of MobileNetV3&apos;s squeeze-excite.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>min(max(0, x), 6): a ReLU capped at 6, robust in low precision (MobileNetV2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passes its input through unchanged (a placeholder, e.g. for a removed head).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multiplies its inputs elementwise, broadcasting axes of size 1 (squeeze-excite scales C x H x W by C x 1 x 1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output size per spatial axis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Averages into a fixed output size (e.g. 7x7 before VGG&apos;s classifier).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Takes maxima into a fixed output size, whatever the input size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Normalizes each sample (or, channels form, each position over its channels as in ConvNeXt), then scales and shifts it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Normalize over the channels at each position (ConvNeXt&apos;s channels-last form); otherwise over the whole sample.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learn a scale and a shift per normalized value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>While training, drops a whole residual branch with probability p (identity in eval).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability of dropping the branch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;row&quot; drops per sample, &quot;batch&quot; for the whole batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interleaves the channels of its groups so grouped convolutions mix (ShuffleNet).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of channel groups.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One of the equal parts of its input along an axis (torch.chunk), e.g. half the channels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of parts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which part (0 = the first).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Axis to split (0 = channels).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rearranges the values into another shape with the same number of values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new shape without the batch axis.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An imported module kept as its original class (its code is imported, not drawn): shapes and counts as recorded at import.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The class (or builder) as package.module.Name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The constructor arguments as Python code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The input shape it was imported for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its output shape.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its parameters (numel).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its multiply-accumulates per sample, as measured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where its class is defined (file:line).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>cnnstudio: unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong inside cnnstudio. Your design is untouched and the app keeps running; saving your work now is a good idea.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportMenu</name>
    <message>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export {format}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FigureMenu</name>
    <message>
        <source>Export Figure</source>
        <extracomment>What can be drawn: key -&gt; (menu text, allowed suffixes).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixels per point of the picture: 2 is sharp on a projector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drawn in the light theme, with the blocks as the canvas shows them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;Figure…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Figures</name>
    <message>
        <source>cnnstudio charts</source>
        <extracomment>What File ▸ Export Figure ▸ Network writes, by suffix. What the chart figures can be: pyqtgraph exports pictures and SVG. Blank space around the blocks, in scene units. PNG pixels per scene unit unless the user chooses (2: sharp on a projector and in print). Larger pictures would need gigabytes of memory; say so instead of trying.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FileGuard</name>
    <message>
        <source>&amp;Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Overwrite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reload the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reloaded {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File changed on disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} was changed on disk by another program (at {when}) since you opened or last saved it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overwrite replaces those changes with yours; Save As keeps both; Reload opens the file as it is now and drops your unsaved changes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import a model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A torchvision classification model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search, e.g. resnet, mobilenet, efficientnet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A file: FILE.py (a module class or function) or FILE.pt2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>path/to/model.py or model.pt2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class or function in the .py file, e.g. Net</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name in the file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The input shape without the batch axis: C,H,W</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input shape:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load torchvision&apos;s pretrained weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a torchvision model, a PyTorch module or a .pt2 program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace &amp;Classifier (transfer learning)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the classifier the dataset&apos;s number of classes and freeze every layer before it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace classifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes in your dataset:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Insight</name>
    <message>
        <source>The class whose evidence is shown (default: the predicted one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Method:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a method: the heat map shows where the network looks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>computing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <extracomment>Channels shown before the user ticks &quot;show all&quot; (a 8x8 grid stays readable).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show all channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show all</source>
        <extracomment>Input channels (rows) shown per filter before &quot;show all&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show every filter and input channel (slower to draw)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statistics appear after each training epoch (or open this tab to compute them for the initial weights).</source>
        <extracomment>File name endings accepted as images (open and drop). Validation images per statistics batch (enough for stable means, cheap at an epoch end).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Index of the validation image shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show a random validation image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open image…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use an image file as the sample (or drop one onto this dock)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature maps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The network&apos;s output is not a vector of class scores.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predict an image file (or drop one onto this dock)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Select a block on the canvas to see and edit its parameters.

Drag a block from the palette, or open a template from File ▸ New from Template.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default {value}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} blocks selected.

Select a single block to edit it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layer&apos;s name; it becomes the attribute name in exported code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional text on the block</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>frozen (not trained)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep this layer&apos;s weights fixed during training (transfer learning).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply this repair as one undoable step</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Lab</name>
    <message>
        <source>Convolution &amp;Lab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Convolution Lab — cnnstudio</source>
        <extracomment>Images larger than this (either side) are scaled down when opened: the lab is for looking at every pixel, and a 28x28 digit or a 64x64 photo is what the lectures slide over. Emitted after each recomputation, with the result (a Convolution or Pooling) or None.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type or paste numbers: one row a line, e.g. 1 2 3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Image…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use Sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the sample shown in the Feature maps panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kernel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 1 0 -1 (one row a line); fractions like 1/16 work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A Conv block of the design: its learned (or initial) filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use Filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sliding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stride</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Padding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Padding mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dilation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bias</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step through</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First position (Home)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous position (Left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slide the kernel by itself (Space)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next position (Right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> positions/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hatched grey: padding · red cross-hatch: pixels the stride never reaches · outline: the window of the current output pixel · orange: the value pooling takes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⏸ Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sample yet: open the Feature maps panel and pick a sample first</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new design</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a design file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the design</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the design under a new name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy and delete the selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected blocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste copied blocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select every block</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the whole network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Auto &amp;Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arrange the blocks top-down (one undo step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select the first block with an error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About cnnstudio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New from &amp;Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo {action}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo {action}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> known, 1 block unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> known, {n} blocks unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{params} params{known} ({trainable} trainable) · {macs} MACs · {mb} MB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · step {size} (batch {batch})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fits in the {free} of memory free here (largest batch: {largest})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>does not fit in the {free} of memory free here (largest batch: {largest})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One training step (batch {batch}): weights {weights}, gradients {gradients}, optimizer {optimizer}, saved activations {activations}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click to select the first broken block.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The design has no errors.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The design has no output layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear the List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The design is valid: no errors found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cnnstudio will be in {language} the next time it starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About cnnstudio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Design convolutional neural networks by dragging blocks, see every shape and parameter count as you edit, then train and export them to PyTorch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the changes to {name}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your changes will be lost if you don&apos;t save them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open design</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save design</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Palette</name>
    <message>
        <source>Search blocks</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Panels</name>
    <message>
        <source>Palette</source>
        <extracomment>The dock layout&apos;s version in the saved state: a layout saved by an older version (a bottom dock too short for the Training tab&apos;s controls) is not restored, the new defaults apply.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Training</name>
    <message>
        <source>The gradient flow per block appears at the end of each epoch.</source>
        <extracomment>Training images the probe pushes through the network at each epoch end.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <extracomment>The warm-up (torch import + one tiny step, off the GUI thread) starts this long after the window is first shown, so that the first paint happens without torch.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings, Start / Stop and the live loss and accuracy curves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the last run got right and wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The gradient flow per block at each epoch end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built-in datasets download on first use; an image folder has one sub-folder of images per class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where downloaded datasets are kept (empty: the default folder)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nesterov momentum (SGD with momentum &gt; 0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning-rate schedule: step decay, cosine decay, one-cycle, or reduce on plateau</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Augment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random shifts, small rotations (and flips where they fit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auto: a GPU when there is one, else the CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start training from fresh weights (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train the last model further: up to the total epochs, or that many more when reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop after the current batch; the weights are kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the data and press Start (F5).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image folder (one sub-folder per class)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the dimmed curves of earlier runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per-class accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Misclassified validation images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The confusion matrix and the mistakes appear when a run ends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No misclassified validation images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check &amp;Design…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loss at initialisation, overfit a tiny batch, gradient flow: before a long run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find &amp;Learning Rate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sweep the learning rate over a few batches and suggest one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All checks passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some checks failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gradient flow at initialisation (mean |grad| per block, log scale)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the suggestion into the training settings (one undo step)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
